#!/usr/bin/env bash
# ShortcutLens launcher: builds the application jar when needed and submits a job.
# A cluster's spark-submit is used when SPARK_HOME is set or spark-submit is on the PATH;
# otherwise Spark runs embedded (local[*]) from the project's own dependency jars.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$ROOT/jobs/target/shortcutlens.jar"
EMBEDDED_CP="$ROOT/jobs/target/embedded-classpath.txt"
BENCH_CP="$ROOT/bench/target/bench-classpath.txt"

JAVA17_OPENS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false)

usage() {
  cat <<'USAGE'
Usage: ./submit.sh COMMAND [SPARK OPTIONS] [JOB OPTIONS]

Commands:
  demo      Trail-camera demo: builds data, trains net1/net2, explains, embeds and audits held-out photos (local, ~8 min on 2 cores)
  explain   Explain job: prediction + occlusion, LIME, Grad-CAM, gradient maps per image, to Parquet (see: ./submit.sh explain --help)
  embed     Embedding job: a layer's activations per image to Parquet, t-SNE of a sample per class (see: ./submit.sh embed --help)
  audit     Audit job: per-class statistics and shortcut findings confirmed by masking (see: ./submit.sh audit --help)
  evaluate  Which map to believe: deletion/insertion, ROAD, randomisation checks per class and method (see: ./submit.sh evaluate --help)
  correct   Train an audit's confirmed shortcuts away (dl4j-spark fine-tuning) and prove it: before/after (see: ./submit.sh correct --help)
  scan      Affected images: every image of an input whose prediction a confirmed shortcut decides (see: ./submit.sh scan --help)
  decoy     Decoy Fashion-MNIST benchmark: build, train decoy and clean CNNs, explain, audit, score (needs dataset-fashion-mnist)
  decoy-family  The audit's benchmark: marks, subgroups, global cues and a clean model, audited without annotations (~1 h)
  bench     Benchmark: explain time over pure batched-inference time, occlusion, LIME, Grad-CAM, IG (see: ./submit.sh bench --help)
  bench-lake  Lake-scale cost: explain, audit and scan at 6,000 and 60,000 images beside the explaining step alone (~20 min)
  test      The test suite: installs what the tests need where it is missing (Debian's chromium and dataset-fashion-mnist,
            with apt-get: needs root or sudo), then mvn -B verify; --no-install only checks; other arguments go to Maven
  build     Build the application jar (jobs/target/shortcutlens.jar)
  help      This text

Spark options (go to spark-submit): --master, --deploy-mode, --conf K=V, --conf-file FILE (= --properties-file),
  --properties-file, --name, --driver-memory, --executor-memory, --executor-cores, --num-executors,
  --total-executor-cores, --jars, --files, --packages, --queue. Everything else goes to the job.

Spark: $SPARK_HOME/bin/spark-submit, else spark-submit on the PATH, else embedded local Spark with
  conf/local.conf (driver heap: SHORTCUTLENS_DRIVER_MEMORY, default 6g).

Examples:
  ./submit.sh demo
  ./submit.sh explain --input data/test --model models/net2.zip --output out/net2
  ./submit.sh explain --conf-file conf/yarn.conf --input hdfs:///lake/images --model hdfs:///models/m.zip --output hdfs:///lake/explain
USAGE
}

# What the tests need beyond Java and Maven: Debian package, and the file or command that shows it is there.
TEST_PACKAGES=(chromium dataset-fashion-mnist)
present() {
  case "$1" in
    chromium) command -v chromium >/dev/null 2>&1 ;;
    dataset-fashion-mnist) [[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] ;;
  esac
}

# ./submit.sh test [--no-install] [MAVEN ARGS]: installs the missing packages, then runs the suite.
run_tests() {
  local install=1 maven_args=() missing=()
  for a in "$@"; do
    if [[ "$a" == "--no-install" ]]; then install=0; else maven_args+=("$a"); fi
  done
  command -v mvn >/dev/null || { echo "submit.sh test: Maven (mvn) and Java 17 are needed: apt-get install openjdk-17-jdk-headless maven" >&2; exit 1; }
  for p in "${TEST_PACKAGES[@]}"; do present "$p" || missing+=("$p"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    local apt=()
    if [[ $(id -u) == 0 ]]; then apt=(env DEBIAN_FRONTEND=noninteractive apt-get)
    elif command -v sudo >/dev/null 2>&1; then apt=(sudo env DEBIAN_FRONTEND=noninteractive apt-get); fi
    if [[ $install == 0 || ${#apt[@]} == 0 ]]; then
      echo "submit.sh test: the tests need Debian's ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root, then ./submit.sh test" >&2
      exit 1
    fi
    echo "submit.sh test: installing ${missing[*]} (${apt[*]} install)" >&2
    "${apt[@]}" update -q
    "${apt[@]}" install -y -q "${missing[@]}"
    for p in "${missing[@]}"; do present "$p" || { echo "submit.sh test: $p is still missing after apt-get install" >&2; exit 1; }; done
  fi
  cd "$ROOT" && exec mvn -B verify "${maven_args[@]+"${maven_args[@]}"}"
}

build_if_stale() {
  local stale=0
  if [[ ! -f "$JAR" || ! -f "$EMBEDDED_CP" || ( -n "${1:-}" && ! -f "$BENCH_CP" ) ]]; then
    stale=1
  elif [[ -n "$(find "$ROOT/pom.xml" "$ROOT/udfs" "$ROOT/jobs" "$ROOT/bench" \( -name pom.xml -o -name '*.java' -o -path '*/resources/*' \) -newer "$JAR" -not -path '*/target/*' -print -quit)" ]]; then
    stale=1
  fi
  if [[ $stale == 1 ]]; then
    command -v mvn >/dev/null || { echo "submit.sh: Maven (mvn) is needed to build $JAR" >&2; exit 1; }
    echo "submit.sh: building the application jar (mvn -DskipTests package) ..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests package) || { echo "submit.sh: build failed" >&2; exit 1; }
  fi
}

cmd="${1:-help}"
[[ $# -gt 0 ]] && shift

case "$cmd" in
  help|-h|--help) usage; exit 0 ;;
  build) build_if_stale; echo "$JAR"; exit 0 ;;
  test) run_tests "$@" ;;
  explain) CLASS=io.shortcutlens.jobs.ExplainJob ;;
  demo) CLASS=io.shortcutlens.demo.DemoJob ;;
  audit) CLASS=io.shortcutlens.jobs.AuditJob ;;
  scan) CLASS=io.shortcutlens.jobs.ScanJob ;;
  correct) CLASS=io.shortcutlens.jobs.CorrectJob ;;
  evaluate) CLASS=io.shortcutlens.jobs.EvaluateJob ;;
  embed) CLASS=io.shortcutlens.jobs.EmbedJob ;;
  decoy) CLASS=io.shortcutlens.decoy.DecoyJob ;;
  decoy-family) CLASS=io.shortcutlens.decoy.DecoyFamilyJob ;;
  bench|bench-lake)
    build_if_stale bench
    BENCH_CLASS=io.shortcutlens.bench.ExplainBenchmark
    [[ "$cmd" == bench-lake ]] && BENCH_CLASS=io.shortcutlens.bench.LakeBenchmark
    exec java "${JAVA17_OPENS[@]}" -Xmx"${SHORTCUTLENS_DRIVER_MEMORY:-6g}" \
      -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" -Dshortcutlens.root="$ROOT" \
      -cp "$(cat "$BENCH_CP"):$ROOT/bench/target/classes" "$BENCH_CLASS" "$@" ;;
  *) echo "submit.sh: unknown command '$cmd'" >&2; usage >&2; exit 2 ;;
esac

spark_args=()
job_args=()
props=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --conf-file|--properties-file) props="$2"; shift 2 ;;
    --conf-file=*|--properties-file=*) props="${1#*=}"; shift ;;
    --master|--deploy-mode|--conf|--name|--driver-memory|--executor-memory|--executor-cores|--num-executors|\
    --total-executor-cores|--jars|--files|--packages|--queue|--driver-java-options)
      spark_args+=("$1" "$2"); shift 2 ;;
    *) job_args+=("$1"); shift ;;
  esac
done

# --help needs no Spark
for a in "${job_args[@]+"${job_args[@]}"}"; do
  if [[ "$a" == "--help" || "$a" == "-h" || "$a" == "--version" || "$a" == "-V" ]]; then
    build_if_stale
    exec java -cp "$(cat "$EMBEDDED_CP"):$JAR" "$CLASS" "$a"
  fi
done

build_if_stale
[[ -n "$props" ]] && spark_args+=(--properties-file "$props")

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${spark_args[@]+"${spark_args[@]}"}" --class "$CLASS" "$JAR" "${job_args[@]+"${job_args[@]}"}"
elif command -v spark-submit >/dev/null 2>&1; then
  exec spark-submit "${spark_args[@]+"${spark_args[@]}"}" --class "$CLASS" "$JAR" "${job_args[@]+"${job_args[@]}"}"
fi

# Embedded: Spark from the project's own dependency jars, local[*] unless told otherwise.
[[ -z "$props" ]] && spark_args+=(--properties-file "$ROOT/conf/local.conf")
exec java "${JAVA17_OPENS[@]}" -Xmx"${SHORTCUTLENS_DRIVER_MEMORY:-6g}" \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$(cat "$EMBEDDED_CP"):$JAR" org.apache.spark.deploy.SparkSubmit \
  "${spark_args[@]+"${spark_args[@]}"}" --class "$CLASS" "$JAR" "${job_args[@]+"${job_args[@]}"}"
