package io.shortcutlens.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.util.Locale;

/**
 * The reports' pages, rendered from the Mustache templates under {@code report/} on the classpath: logic-less, and
 * every {@code {{value}}} HTML-escaped (only pictures the report makes itself, data URIs and SVG, go in as
 * {@code {{{raw}}}}). A template reads a view's record components and no-argument methods by name.
 */
public final class Templates {
    private static final MustacheFactory FACTORY = new DefaultMustacheFactory("report");

    private Templates() { }

    /** {@code report/NAME.mustache} rendered with {@code view}. */
    public static String render(String name, Object view) {
        StringWriter out = new StringWriter();
        FACTORY.compile(name + ".mustache").execute(out, view);
        return out.toString();
    }

    /** A share or a rate as the reports print it: three decimals, blank for NaN. */
    public static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
