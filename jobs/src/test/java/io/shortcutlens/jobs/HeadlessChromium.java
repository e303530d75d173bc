package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's headless Chromium (installed by ./submit.sh test), driven from the command line: the DOM after load, and a screenshot. */
final class HeadlessChromium {
    private HeadlessChromium() { }

    record Page(String dom, String log) { }

    static File binary() {
        for (String p : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (new File(p).canExecute()) {
                return new File(p);
            }
        }
        throw new AssertionError("headless Chromium is needed for the report tests: apt-get install -y chromium as root, "
                + "or run the suite with ./submit.sh test, which installs it");
    }

    private static String run(File html, File profile, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary().getPath(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile.getAbsolutePath()));
        cmd.addAll(List.of(extra));
        cmd.add(html.toURI().toString());
        File out = File.createTempFile("chromium-", ".out");
        File err = File.createTempFile("chromium-", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8));
        return Files.readString(out.toPath(), StandardCharsets.UTF_8) + "\u0000" + Files.readString(err.toPath(), StandardCharsets.UTF_8);
    }

    /** Loads the page from disk; returns its DOM after load and Chromium's log, and saves a screenshot. */
    static Page load(File html, File screenshot) throws Exception {
        File profile = Files.createTempDirectory("chromium-profile-").toFile();
        String[] dom = run(html, profile, "--dump-dom").split("\u0000", 2);
        run(html, profile, "--screenshot=" + screenshot.getAbsolutePath(), "--window-size=1280,2000");
        assertTrue(screenshot.isFile() && screenshot.length() > 1000, "screenshot " + screenshot);
        assertFalse(dom[1].contains("Uncaught"), "the page threw: " + dom[1]);
        return new Page(dom[0], dom[1]);
    }

    /**
     * Rendered widths in CSS pixels, in a window {@code windowWidth} wide: of each element id (0 when absent) and, as
     * "page", of the whole document (its scroll width). Measured on a copy of the page with a measuring script added
     * (the report itself has none).
     */
    static java.util.Map<String, Integer> widths(File html, int windowWidth, String... ids) throws Exception {
        String page = Files.readString(html.toPath(), StandardCharsets.UTF_8);
        StringBuilder js = new StringBuilder("<script>var d=document.documentElement;d.setAttribute('data-w-page',d.scrollWidth);");
        for (String id : ids) {
            js.append("var e=document.getElementById('").append(id).append("');d.setAttribute('data-w-").append(id)
                    .append("',e?Math.ceil(e.getBoundingClientRect().right):0);");
        }
        js.append("</script>");
        File copy = File.createTempFile("measured-", ".html", html.getParentFile());
        Files.writeString(copy.toPath(), page.replace("</body>", js + "</body>"), StandardCharsets.UTF_8);
        File profile = Files.createTempDirectory("chromium-profile-").toFile();
        String dom = run(copy, profile, "--dump-dom", "--window-size=" + windowWidth + ",800").split("\u0000", 2)[0];
        copy.delete();
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-w-([a-z-]+)=\"(\\d+)\"").matcher(dom);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }
}
