package dev.sandboxjobs.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders a {@link PipelineResult} as the pipeline's four artifacts.
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
    private static final int MAX_MD_DETAILS = 4_000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    // ---------------------------------------------------------------- JSON

    /** {@code report.json}: every field of the result; durations in milliseconds. */
    public static String json(PipelineResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", r.success());
        root.put("exitCode", r.exitCode());
        root.put("projectType", r.projectType());
        root.put("tool", r.tool());
        root.put("failure", r.failure());
        root.put("repository", r.repository());
        root.put("branch", r.branch());
        root.put("commit", r.commit());
        root.put("subdirectory", r.subdirectory());
        root.put("startedAt", r.startedAt().toString());
        root.put("durationMs", r.duration().toMillis());
        ArrayNode steps = root.putArray("steps");
        for (StepReport s : r.steps()) {
            ObjectNode n = steps.addObject();
            n.put("name", s.name());
            n.put("status", s.status().name().toLowerCase(Locale.ROOT));
            n.put("durationMs", s.duration().toMillis());
            n.put("command", s.command());
            n.put("exitCode", s.exitCode());
            n.put("message", s.message());
        }
        TestSummary t = r.tests();
        ObjectNode tests = root.putObject("tests");
        tests.put("format", t.format());
        tests.put("total", t.total());
        tests.put("passed", t.passed());
        tests.put("failed", t.failed());
        tests.put("skipped", t.skipped());
        tests.put("errored", t.errored());
        tests.put("durationMs", t.duration().toMillis());
        tests.put("casesTruncated", t.casesTruncated());
        ArrayNode failures = tests.putArray("failures");
        for (TestCase f : t.failures()) {
            ObjectNode n = failures.addObject();
            n.put("suite", f.suite());
            n.put("name", f.name());
            n.put("status", f.status().name().toLowerCase(Locale.ROOT));
            n.put("message", f.message());
            n.put("details", f.details());
        }
        ArrayNode warnings = tests.putArray("warnings");
        t.warnings().forEach(warnings::add);
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        ObjectNode artifacts = root.putObject("artifacts");
        r.artifacts().forEach(artifacts::put);
        root.put("output", r.output());
        root.put("errors", r.errors());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write report.json", e);
        }
    }

    // ---------------------------------------------------------------- JUnit XML

    /**
     * {@code junit.xml}: every kept test case grouped by suite, plus one errored case per
     * failed pipeline step before the tests (so a CI system shows an install failure too).
     */
    public static String junitXml(PipelineResult r) {
        Map<String, List<TestCase>> bySuite = new LinkedHashMap<>();
        for (TestCase c : r.tests().cases()) {
            bySuite.computeIfAbsent(c.suite().isEmpty() ? r.projectType() : c.suite(), k -> new java.util.ArrayList<>())
                    .add(c);
        }
        for (StepReport s : r.steps()) {
            if (!s.name().equals("test") && (s.status() == StepStatus.FAILED || s.status() == StepStatus.TIMED_OUT)) {
                bySuite.computeIfAbsent("pipeline", k -> new java.util.ArrayList<>()).add(new TestCase("pipeline",
                        s.name(), TestStatus.ERRORED, s.duration(), s.message(), s.output()));
            }
        }
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeAttribute("name", r.repository().isEmpty() ? "sandbox-jobs" : r.repository());
            writeCounts(w, bySuite.values().stream().flatMap(List::stream).toList());
            w.writeAttribute("time", seconds(r.tests().duration()));
            for (var suite : bySuite.entrySet()) {
                w.writeCharacters("\n  ");
                w.writeStartElement("testsuite");
                w.writeAttribute("name", xmlSafe(suite.getKey()));
                writeCounts(w, suite.getValue());
                w.writeAttribute("time", seconds(suite.getValue().stream().map(TestCase::duration)
                        .reduce(Duration.ZERO, Duration::plus)));
                for (TestCase c : suite.getValue()) {
                    w.writeCharacters("\n    ");
                    w.writeStartElement("testcase");
                    w.writeAttribute("classname", xmlSafe(suite.getKey()));
                    w.writeAttribute("name", xmlSafe(c.name()));
                    w.writeAttribute("time", seconds(c.duration()));
                    String child = switch (c.status()) {
                        case FAILED -> "failure";
                        case ERRORED -> "error";
                        case SKIPPED -> "skipped";
                        case PASSED -> null;
                    };
                    if (child != null) {
                        w.writeStartElement(child);
                        if (!c.message().isEmpty()) {
                            w.writeAttribute("message", xmlSafe(c.message()));
                        }
                        if (!c.details().isEmpty()) {
                            w.writeCharacters(xmlSafe(c.details()));
                        }
                        w.writeEndElement();
                    }
                    w.writeEndElement();
                }
                w.writeCharacters("\n  ");
                w.writeEndElement();
            }
            w.writeCharacters("\n");
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("could not write junit.xml", e);
        }
        return out + "\n";
    }

    private static void writeCounts(XMLStreamWriter w, List<TestCase> cases) throws XMLStreamException {
        w.writeAttribute("tests", String.valueOf(cases.size()));
        w.writeAttribute("failures", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.FAILED).count()));
        w.writeAttribute("errors", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.ERRORED).count()));
        w.writeAttribute("skipped", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.SKIPPED).count()));
    }

    /** Drops characters XML 1.0 cannot carry at all (NUL, most C0 controls, lone surrogates). */
    static String xmlSafe(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch <= 0xD7FF)
                    || (ch >= 0xE000 && ch <= 0xFFFD)
                    || (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                    || (Character.isLowSurrogate(ch) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (!ok && b == null) {
                b = new StringBuilder(s.substring(0, i));
            }
            if (b != null) {
                b.append(ok ? ch : '\uFFFD');
            }
        }
        return b == null ? s : b.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    // ---------------------------------------------------------------- Markdown

    /** {@code report.md}: a status line, a counts table and the failures, collapsed; fit for a PR comment. */
    public static String markdown(PipelineResult r) {
        TestSummary t = r.tests();
        StringBuilder md = new StringBuilder();
        boolean custom = r.projectType().equals(PipelineResult.CUSTOM);
        md.append(r.success() ? (custom ? "### ✅ Pipeline succeeded" : "### ✅ Tests passed") : "### ❌ "
                + (r.failure().isEmpty() ? "Tests failed" : "Pipeline failed")).append("\n\n");
        md.append("**").append(mdInline(r.projectType())).append("**");
        if (!r.tool().isEmpty()) {
            md.append(" (").append(mdInline(r.tool())).append(')');
        }
        if (!r.repository().isEmpty()) {
            md.append(" · ").append(code(r.repository()));
        }
        if (!r.branch().isEmpty()) {
            md.append(" · branch ").append(code(r.branch()));
        }
        if (!r.commit().isEmpty()) {
            md.append(" · commit ").append(code(r.commit().substring(0, Math.min(12, r.commit().length()))));
        }
        md.append(" · ").append(human(r.duration())).append("\n\n");
        if (!r.failure().isEmpty()) {
            md.append("> ").append(mdInline(r.failure()).replace("\n", "\n> ")).append("\n\n");
        }
        if (!custom) {
            md.append("| Passed | Failed | Errored | Skipped | Total | Time |\n");
            md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
            md.append("| ").append(t.passed()).append(" | ").append(t.failed()).append(" | ").append(t.errored())
                    .append(" | ").append(t.skipped()).append(" | ").append(t.total()).append(" | ")
                    .append(human(t.duration())).append(" |\n\n");
        }
        md.append("Steps: ");
        for (int i = 0; i < r.steps().size(); i++) {
            StepReport s = r.steps().get(i);
            md.append(i == 0 ? "" : " → ").append(stepIcon(s.status())).append(' ').append(s.name())
                    .append(" (").append(human(s.duration())).append(')');
        }
        md.append("\n");
        List<TestCase> failures = t.failures();
        if (!failures.isEmpty()) {
            md.append("\n#### Failures\n\n");
            for (TestCase f : failures.subList(0, Math.min(MAX_LISTED_FAILURES, failures.size()))) {
                md.append("<details><summary>").append(htmlEscape(f.fullName()));
                if (!f.message().isEmpty()) {
                    md.append(" — ").append(htmlEscape(firstLine(f.message())));
                }
                md.append("</summary>\n\n");
                String body = f.details().isEmpty() ? f.message() : f.message() + "\n\n" + f.details();
                md.append(fenced(OutputCap.headAndTail(body.strip(), MAX_MD_DETAILS))).append("\n</details>\n");
            }
            if (failures.size() > MAX_LISTED_FAILURES || t.casesTruncated()) {
                md.append("\n_").append(t.failed() + t.errored() - Math.min(MAX_LISTED_FAILURES, failures.size()))
                        .append(" more failure(s) in report.json and junit.xml._\n");
            }
        }
        if (custom) {
            md.append('\n');
            for (StepReport s : r.steps()) {
                if (!s.message().isEmpty()) {
                    md.append("- **").append(mdInline(s.name())).append("**: ").append(mdInline(firstLine(s.message())))
                            .append('\n');
                }
            }
        }
        if (custom && !r.output().isEmpty()) {
            md.append("\n<details><summary>output</summary>\n\n")
                    .append(fenced(OutputCap.headAndTail(r.output().strip(), MAX_MD_DETAILS))).append("\n</details>\n");
        }
        StepReport failedStep = r.steps().stream().filter(s -> !s.name().equals("test")
                && (s.status() == StepStatus.FAILED || s.status() == StepStatus.TIMED_OUT)).findFirst().orElse(null);
        if (failedStep != null && !failedStep.output().isEmpty()) {
            md.append("\n<details><summary>").append(htmlEscape(failedStep.name())).append(" output</summary>\n\n")
                    .append(fenced(OutputCap.headAndTail(failedStep.output().strip(), MAX_MD_DETAILS)))
                    .append("\n</details>\n");
        }
        return md.toString();
    }

    private static String stepIcon(StepStatus s) {
        return switch (s) {
            case SUCCEEDED -> "✅";
            case FAILED -> "❌";
            case TIMED_OUT -> "⏱️";
            case SKIPPED -> "⏭️";
        };
    }

    /** A code block whose fence is longer than any backtick run inside it. */
    static String fenced(String body) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < body.length(); i++) {
            run = body.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "text\n" + body + "\n" + fence + "\n";
    }

    private static String code(String s) {
        String one = s.replace("\n", " ");
        int longest = 0;
        int run = 0;
        for (int i = 0; i < one.length(); i++) {
            run = one.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String tick = "`".repeat(longest + 1);
        return tick + (longest > 0 ? " " + one + " " : one) + tick;
    }

    /** Escapes what Markdown (and the HTML it allows) would interpret in running text. */
    static String mdInline(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~' -> b.append('\\').append(ch);
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- HTML

    /** {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no external resources). */
    public static String html(PipelineResult r) {
        TestSummary t = r.tests();
        StringBuilder h = new StringBuilder(16 * 1024);
        String title = (r.success() ? "Passed" : "Failed") + " · " + r.projectType()
                + (r.repository().isEmpty() ? "" : " · " + r.repository());
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<title>").append(htmlEscape(title)).append("</title>\n<style>\n")
                .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1f2328}\n")
                .append("h1{font-size:1.6rem;margin:.2rem 0}.ok{color:#1a7f37}.bad{color:#cf222e}.muted{color:#59636e}\n")
                .append("table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d1d9e0;padding:.3rem .7rem;text-align:left}\n")
                .append("th{background:#f6f8fa}.num{text-align:right}details{border:1px solid #d1d9e0;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}\n")
                .append("summary{cursor:pointer;font-weight:600}pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word}\n")
                .append(".chart{display:flex;align-items:center;gap:1.5rem}.legend span{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;border-radius:2px}\n")
                .append("</style>\n</head>\n<body>\n");
        boolean custom = r.projectType().equals(PipelineResult.CUSTOM);
        h.append("<h1 class=\"").append(r.success() ? "ok" : "bad").append("\">")
                .append(r.success() ? (custom ? "✅ Pipeline succeeded" : "✅ Tests passed")
                        : r.failure().isEmpty() ? "❌ Tests failed" : "❌ Pipeline failed")
                .append("</h1>\n");
        h.append("<p class=\"muted\">").append(htmlEscape(r.projectType()));
        if (!r.tool().isEmpty()) {
            h.append(" (").append(htmlEscape(r.tool())).append(')');
        }
        h.append(" · started ").append(htmlEscape(r.startedAt().toString())).append(" · ")
                .append(htmlEscape(human(r.duration()))).append("</p>\n");
        if (!r.failure().isEmpty()) {
            h.append("<p class=\"bad\">").append(htmlEscape(r.failure())).append("</p>\n");
        }
        h.append("<table>\n");
        row(h, "Repository", r.repository());
        row(h, "Branch", r.branch().isEmpty() ? "(default)" : r.branch());
        row(h, "Commit", r.commit());
        if (!r.subdirectory().isEmpty()) {
            row(h, "Directory", r.subdirectory());
        }
        if (!custom) {
            row(h, "Exit code", String.valueOf(r.exitCode()));
        }
        h.append("</table>\n");

        if (!custom) {
            h.append("<h2>Results</h2>\n<div class=\"chart\">\n").append(chart(t)).append("<div>\n<table>\n")
                    .append("<tr><th>Passed</th><th>Failed</th><th>Errored</th><th>Skipped</th><th>Total</th><th>Time</th></tr>\n")
                    .append("<tr><td class=\"num\" id=\"passed\">").append(t.passed()).append("</td><td class=\"num\" id=\"failed\">")
                    .append(t.failed()).append("</td><td class=\"num\" id=\"errored\">").append(t.errored())
                    .append("</td><td class=\"num\" id=\"skipped\">").append(t.skipped()).append("</td><td class=\"num\">")
                    .append(t.total()).append("</td><td class=\"num\">").append(htmlEscape(human(t.duration())))
                    .append("</td></tr>\n</table>\n<p class=\"legend muted\"><span style=\"background:#2da44e\"></span>passed ")
                    .append("<span style=\"background:#cf222e\"></span>failed ")
                    .append("<span style=\"background:#bf8700\"></span>errored ")
                    .append("<span style=\"background:#8c959f\"></span>skipped</p>\n</div>\n</div>\n");
        }

        h.append("<h2>Steps</h2>\n<table>\n<tr><th>Step</th><th>Status</th><th>Time</th><th>Command</th><th>Exit</th><th>Message</th></tr>\n");
        for (StepReport s : r.steps()) {
            h.append("<tr><td>").append(htmlEscape(s.name())).append("</td><td class=\"")
                    .append(s.status() == StepStatus.SUCCEEDED ? "ok" : s.status() == StepStatus.SKIPPED ? "muted" : "bad")
                    .append("\">").append(s.status().name().toLowerCase(Locale.ROOT)).append("</td><td>")
                    .append(htmlEscape(human(s.duration()))).append("</td><td><code>").append(htmlEscape(s.command()))
                    .append("</code></td><td class=\"num\">").append(s.exitCode() < 0 ? "" : String.valueOf(s.exitCode()))
                    .append("</td><td>").append(htmlEscape(s.message())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        List<TestCase> failures = t.failures();
        if (!failures.isEmpty()) {
            h.append("<h2>Failures</h2>\n");
            for (TestCase f : failures.subList(0, Math.min(MAX_LISTED_FAILURES, failures.size()))) {
                h.append("<details class=\"failure\"><summary>").append(htmlEscape(f.fullName())).append("</summary>\n");
                if (!f.message().isEmpty()) {
                    h.append("<p><strong>").append(htmlEscape(f.message())).append("</strong></p>\n");
                }
                if (!f.details().isEmpty()) {
                    h.append("<pre>").append(htmlEscape(f.details())).append("</pre>\n");
                }
                h.append("</details>\n");
            }
            if (failures.size() > MAX_LISTED_FAILURES) {
                h.append("<p class=\"muted\">").append(failures.size() - MAX_LISTED_FAILURES)
                        .append(" more failure(s) in report.json and junit.xml.</p>\n");
            }
        }
        for (StepReport s : r.steps()) {
            if (!s.output().isEmpty() && s.status() != StepStatus.SUCCEEDED) {
                h.append("<details><summary>").append(htmlEscape(s.name())).append(" output</summary>\n<pre>")
                        .append(htmlEscape(s.output())).append("</pre>\n</details>\n");
            }
        }
        if (custom && !r.output().isEmpty()) {
            h.append("<h2>Output</h2>\n<pre>").append(htmlEscape(r.output())).append("</pre>\n");
        } else if (!r.output().isEmpty() || !r.errors().isEmpty()) {
            h.append("<h2>Test output</h2>\n<details><summary>standard output</summary>\n<pre>")
                    .append(htmlEscape(r.output())).append("</pre>\n</details>\n<details><summary>standard error</summary>\n<pre>")
                    .append(htmlEscape(r.errors())).append("</pre>\n</details>\n");
        }
        if (!r.notes().isEmpty() || !t.warnings().isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            for (String n : r.notes()) {
                h.append("<li>").append(htmlEscape(n)).append("</li>\n");
            }
            for (String n : t.warnings()) {
                h.append("<li>").append(htmlEscape(n)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<p class=\"muted\">Generated by Sandbox Jobs.</p>\n</body>\n</html>\n");
        return h.toString();
    }

    /** A donut chart of passed/failed/errored/skipped as inline SVG. */
    static String chart(TestSummary t) {
        int total = t.total();
        StringBuilder svg = new StringBuilder("<svg class=\"donut\" role=\"img\" width=\"140\" height=\"140\" viewBox=\"0 0 42 42\" xmlns=\"http://www.w3.org/2000/svg\">\n")
                .append("<title>").append(t.passed()).append(" passed, ").append(t.failed()).append(" failed, ")
                .append(t.errored()).append(" errored, ").append(t.skipped()).append(" skipped</title>\n")
                .append("<circle cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"none\" stroke=\"#eaeef2\" stroke-width=\"6\"/>\n");
        if (total > 0) {
            double offset = 25; // start at 12 o'clock
            int[] counts = {t.passed(), t.failed(), t.errored(), t.skipped()};
            String[] colours = {"#2da44e", "#cf222e", "#bf8700", "#8c959f"};
            String[] names = {"passed", "failed", "errored", "skipped"};
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    continue;
                }
                double pct = 100.0 * counts[i] / total;
                svg.append(String.format(Locale.ROOT,
                        "<circle class=\"%s\" cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"none\" stroke=\"%s\" stroke-width=\"6\" "
                                + "stroke-dasharray=\"%.3f %.3f\" stroke-dashoffset=\"%.3f\"/>\n",
                        names[i], colours[i], pct, 100 - pct, offset));
                offset -= pct;
            }
        }
        svg.append("<text x=\"21\" y=\"23\" text-anchor=\"middle\" font-size=\"7\" font-family=\"sans-serif\">")
                .append(total).append("</text>\n</svg>\n");
        return svg.toString();
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(htmlEscape(key)).append("</th><td><code>").append(htmlEscape(value))
                .append("</code></td></tr>\n");
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String htmlEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\0' -> b.append('\uFFFD');
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }
}
