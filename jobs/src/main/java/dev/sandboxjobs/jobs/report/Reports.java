package dev.sandboxjobs.jobs.report;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link PipelineResult} as the pipeline's four artifacts; each has its own renderer
 * ({@code JsonReport}, {@code JUnitReport}, {@code MarkdownReport}, {@code HtmlReport}).
 *
 * <pre>{@code
 * Map<String, byte[]> files = Reports.renderAll(result);   // report.json, junit.xml, report.md, report.html
 * String comment = Reports.markdown(result);               // paste into a pull request
 * }</pre>
 */
public final class Reports {

    /** Artifact file names, in the order {@link #renderAll} returns them. */
    public static final List<String> FILE_NAMES = List.of("report.json", "junit.xml", "report.md", "report.html");

    /** Most failures listed in the Markdown and HTML reports (all are in JSON and JUnit XML). */
    public static final int MAX_LISTED_FAILURES = 50;

    /** Most output of one step kept in {@code report.json} (and {@code --json}). */
    public static final int MAX_STEP_OUTPUT = 16 * 1024;

    private Reports() {
    }

    /** All four artifacts, by file name. */
    public static Map<String, byte[]> renderAll(PipelineResult result) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("report.json", json(result).getBytes(StandardCharsets.UTF_8));
        files.put("junit.xml", junitXml(result).getBytes(StandardCharsets.UTF_8));
        files.put("report.md", markdown(result).getBytes(StandardCharsets.UTF_8));
        files.put("report.html", html(result).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** {@code report.json}: every field of the result; durations in milliseconds, each step's output capped. */
    public static String json(PipelineResult r) {
        return JsonReport.json(r);
    }

    /**
     * {@code junit.xml}: every kept test case grouped by suite, plus one errored case per
     * failed pipeline step before the tests (so a CI system shows an install failure too).
     */
    public static String junitXml(PipelineResult r) {
        return JUnitReport.junitXml(r);
    }

    /** {@code report.md}: a status line, a counts table and the failures, collapsed; fit for a PR comment. */
    public static String markdown(PipelineResult r) {
        return MarkdownReport.markdown(r);
    }

    /** {@code report.html}: one self-contained page. */
    public static String html(PipelineResult r) {
        return HtmlReport.html(r);
    }
}
