package io.shortcutlens.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What every job's command line shares: the version it reports and how a failure is told (one line, exit status 2). */
public final class Cli {
    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger("shortcutlens");

    private Cli() { }

    /** The command line of a job's flags: enum values in any case, an exception said as one line. */
    public static CommandLine commandLine(Object job) {
        CommandLine cl = new CommandLine(job);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("shortcutlens: " + e.getMessage());
            LOG.debug("failure", e);
            return 2;
        });
        return cl;
    }

    /** {@code job} with {@code args} parsed into its flags, as its command line would (a recorded command line read back). */
    public static <T> T parsed(T job, java.util.List<String> args) {
        commandLine(job).parseArgs(args.toArray(new String[0]));
        return job;
    }

    /** A command line built from typed options: a flag with its value where the value is set. */
    static final class Args {
        private final java.util.List<String> args = new java.util.ArrayList<>();

        /** {@code flag value}, unless the value is null. */
        Args add(String flag, Object value) {
            if (value != null) {
                args.add(flag);
                args.add(value instanceof Enum<?> e ? CliEnums.label(e) : String.valueOf(value));
            }
            return this;
        }

        /** {@code flag} alone, when {@code on}. */
        Args flag(boolean on, String flag) {
            if (on) {
                args.add(flag);
            }
            return this;
        }

        /** Numbers as one comma-separated value, unless null. */
        Args add(String flag, double[] values) {
            return add(flag, values == null ? null : java.util.Arrays.stream(values).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        }

        java.util.List<String> list() {
            return java.util.List.copyOf(args);
        }
    }
}
