package io.shortcutlens.explain;

import io.shortcutlens.image.InputShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every explanation method ShortcutLens knows, in the order a run writes them: the one list the explain job, the
 * settings and the Spark ML stage read. A new method is its descriptor plus one line here.
 */
public final class Methods {
    private Methods() { }

    public static final List<ExplainMethod<?>> ALL = List.of(OcclusionExplainer.METHOD, LimeExplainer.METHOD, KernelShapExplainer.METHOD,
            GradCamExplainer.METHOD, SaliencyExplainer.METHOD, InputXGradientExplainer.METHOD, IntegratedGradientsExplainer.METHOD,
            SmoothGradExplainer.METHOD, ActivationExplainer.METHOD);

    private static final Map<String, ExplainMethod<?>> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, MethodOption> OPTIONS = new LinkedHashMap<>();

    static {
        for (ExplainMethod<?> m : ALL) {
            if (BY_NAME.put(m.name(), m) != null) {
                throw new IllegalStateException("two methods named " + m.name());
            }
            for (MethodOption o : m.options()) {
                MethodOption known = OPTIONS.putIfAbsent(o.name(), o);
                if (known != null && !known.equals(o)) {
                    throw new IllegalStateException("option " + o.cli() + " declared twice, differently: " + known + " and " + o
                            + " (methods sharing an option reference one constant)");
                }
            }
        }
        if (OPTIONS.values().stream().map(MethodOption::param).distinct().count() != OPTIONS.size()) {
            throw new IllegalStateException("two options share a Spark ML param name: " + OPTIONS.values());
        }
    }

    /** The methods' names, in row order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The methods that need only class scores (they explain any model). */
    public static List<String> perturbationNames() {
        return ALL.stream().filter(m -> m.needs() == ExplainMethod.Needs.SCORES).map(ExplainMethod::name).toList();
    }

    /** The methods that need the model's gradients. */
    /** What a model's refusal to differentiate (it names the operators) tells a user to do instead, appended to it. */
    public static String gradientAdvice() {
        return "; the gradient methods " + gradientNames() + " and deep dream need gradients: explain it with the perturbation methods "
                + perturbationList() + ", which need only its class scores";
    }

    public static List<String> gradientNames() {
        return ALL.stream().filter(m -> m.needs() == ExplainMethod.Needs.GRADIENTS).map(ExplainMethod::name).toList();
    }

    /** The perturbation methods as a sentence says them: "occlusion, lime or kernelshap". */
    public static String perturbationList() {
        List<String> p = perturbationNames();
        return p.size() == 1 ? p.get(0) : String.join(", ", p.subList(0, p.size() - 1)) + " or " + p.get(p.size() - 1);
    }

    /** A method by name (any case); an unknown one fails naming the known ones. */
    public static ExplainMethod<?> byName(String name) {
        ExplainMethod<?> m = name == null ? null : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (m == null) {
            throw new IllegalArgumentException("unknown method '" + name + "' (expected one of " + names() + ")");
        }
        return m;
    }

    /** Every method's options, each once, in the order of the methods that first read them. */
    public static List<MethodOption> options() {
        return List.copyOf(OPTIONS.values());
    }

    /** The names of the methods that read an option. */
    public static List<String> readers(MethodOption option) {
        return ALL.stream().filter(m -> m.options().contains(option)).map(ExplainMethod::name).toList();
    }

    /** An option's description as the help shows it: the methods that read it, then what it means. */
    public static String help(MethodOption option) {
        return String.join(", ", readers(option)) + ": " + option.description();
    }

    /**
     * The runs of the named methods (each once, in row order) with their parameters from {@code values}, resolved for
     * this input. An unknown method fails naming the known ones; none at all fails too.
     */
    public static List<MethodRun> runs(List<String> names, OptionValues values, InputShape input) {
        List<ExplainMethod<?>> asked = new ArrayList<>();
        for (String n : names) {
            ExplainMethod<?> m = byName(n);
            if (!asked.contains(m)) {
                asked.add(m);
            }
        }
        if (asked.isEmpty()) {
            throw new IllegalArgumentException("no explanation method requested (expected one or more of " + names() + ")");
        }
        return ALL.stream().filter(asked::contains).map(m -> run(m, values, input)).toList();
    }

    private static <P extends MethodParams> MethodRun run(ExplainMethod<P> m, OptionValues values, InputShape input) {
        return MethodRun.of(m, m.params(values, input));
    }
}
