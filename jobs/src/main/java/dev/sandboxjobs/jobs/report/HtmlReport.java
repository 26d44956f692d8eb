package dev.sandboxjobs.jobs.report;

import static dev.sandboxjobs.jobs.report.ReportText.*;

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

/** {@code report.html}: one self-contained page with a chart; no script, every value escaped. */
final class HtmlReport {

    private HtmlReport() {
    }

    /** {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, no external resources). */
    static String html(PipelineResult r) {
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
                .append(r.success() ? (custom ? "✅ Pipeline succeeded" : r.countsUnavailable()
                        ? "✅ Passed, test counts unavailable" : "✅ Tests passed")
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
        if (!r.runner().isEmpty()) {
            row(h, "Runner", r.runner());
        }
        if (t.printed() != null) {
            row(h, "Runner's totals", t.printed().line());
        }
        for (var v : r.toolVersions().entrySet()) {
            row(h, v.getKey(), v.getValue());
        }
        h.append("</table>\n");
        for (String mismatch : t.countMismatches()) {
            h.append("<p class=\"bad\">⚠️ Count mismatch: ").append(htmlEscape(mismatch)).append("</p>\n");
        }
        if (r.countsUnavailable()) {
            h.append("<p class=\"muted\" id=\"counts-unavailable\">")
                    .append(htmlEscape(r.headline().substring("PASSED, ".length()))).append("</p>\n");
        } else if (!custom) {
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

        if (!r.packages().isEmpty()) {
            h.append("<h2>Packages</h2>\n<table id=\"packages\">\n<tr><th>Package</th><th>Runner</th><th>Passed</th>"
                    + "<th>Failed</th><th>Errored</th><th>Skipped</th><th>Result</th></tr>\n");
            for (PackageResult p : r.packages()) {
                h.append("<tr><td>").append(htmlEscape(p.name())).append("</td><td>").append(htmlEscape(p.runner()))
                        .append("</td><td class=\"num\">").append(p.passed()).append("</td><td class=\"num\">")
                        .append(p.failed()).append("</td><td class=\"num\">").append(p.errored())
                        .append("</td><td class=\"num\">").append(p.skipped()).append("</td><td class=\"")
                        .append(p.status() == StepStatus.SUCCEEDED ? "ok" : "bad").append("\">")
                        .append(htmlEscape(p.message())).append("</td></tr>\n");
            }
            h.append("</table>\n");
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
        if (r.steps().stream().anyMatch(s -> s.network() != null)) {
            h.append("<h2>Network</h2>\n<table>\n<tr><th>Step</th><th>Policy</th><th>Contacted</th><th>Denied</th></tr>\n");
            for (StepReport s : r.steps()) {
                if (s.network() != null) {
                    h.append("<tr><td>").append(htmlEscape(s.name())).append("</td><td>")
                            .append(htmlEscape(s.network().policy())).append("</td><td>")
                            .append(htmlEscape(String.join(", ", s.network().contacted()))).append("</td><td class=\"")
                            .append(s.network().denied().isEmpty() ? "muted" : "bad").append("\">")
                            .append(htmlEscape(String.join("; ", s.network().denied()))).append("</td></tr>\n");
                }
            }
            h.append("</table>\n");
        }

        List<TestCase> failures = t.failures();
        if (!failures.isEmpty()) {
            h.append("<h2>Failures</h2>\n");
            for (TestCase f : failures.subList(0, Math.min(Reports.MAX_LISTED_FAILURES, failures.size()))) {
                h.append("<details class=\"failure\"><summary>").append(htmlEscape(f.fullName())).append("</summary>\n");
                if (!f.message().isEmpty()) {
                    h.append("<p><strong>").append(htmlEscape(f.message())).append("</strong></p>\n");
                }
                if (!f.details().isEmpty()) {
                    h.append("<pre>").append(htmlEscape(f.details())).append("</pre>\n");
                }
                h.append("</details>\n");
            }
            if (failures.size() > Reports.MAX_LISTED_FAILURES) {
                h.append("<p class=\"muted\">").append(failures.size() - Reports.MAX_LISTED_FAILURES)
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

    static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(htmlEscape(key)).append("</th><td><code>").append(htmlEscape(value))
                .append("</code></td></tr>\n");
    }
}
