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
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
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

/** {@code report.md}: a pull-request comment. */
final class MarkdownReport {

    private static final int MAX_MD_DETAILS = 4_000;

    private MarkdownReport() {
    }

    /** {@code report.md}: a status line, a counts table and the failures, collapsed; fit for a PR comment. */
    static String markdown(PipelineResult r) {
        TestSummary t = r.tests();
        StringBuilder md = new StringBuilder();
        boolean custom = r.projectType().equals(PipelineResult.CUSTOM);
        md.append(r.success() ? (custom ? "### ✅ Pipeline succeeded" : r.countsUnavailable()
                ? "### ✅ Passed, test counts unavailable" : "### ✅ Tests passed") : "### ❌ "
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
        if (r.countsUnavailable()) {
            md.append("> ").append(mdInline(r.headline().substring("PASSED, ".length()))).append("\n\n");
        } else if (!custom) {
            md.append("| Passed | Failed | Errored | Skipped | Total | Time |\n");
            md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
            md.append("| ").append(t.passed()).append(" | ").append(t.failed()).append(" | ").append(t.errored())
                    .append(" | ").append(t.skipped()).append(" | ").append(t.total()).append(" | ")
                    .append(human(t.duration())).append(" |\n\n");
        }
        if (!r.runner().isEmpty()) {
            md.append("Runner: ").append(mdInline(r.runner()));
            if (t.printed() != null) {
                md.append(" · its own totals: ").append(code(t.printed().line()));
            }
            md.append("\n\n");
        }
        if (!r.toolchains().isEmpty()) {
            md.append("Toolchain: ");
            for (int i = 0; i < r.toolchains().size(); i++) {
                ToolchainUse u = r.toolchains().get(i);
                md.append(i == 0 ? "" : " · ").append(u.satisfied() ? "" : "⚠️ ").append(mdInline(u.tool() + " "
                        + (u.used().isEmpty() ? "?" : u.used()) + (u.wanted().isEmpty() ? "" : " (wanted " + u.wanted() + ")")));
            }
            md.append("\n\n");
        }
        for (String mismatch : t.countMismatches()) {
            md.append("> ⚠️ Count mismatch: ").append(mdInline(mismatch)).append("\n\n");
        }
        if (!r.packages().isEmpty()) {
            md.append("| Package | Runner | Passed | Failed | Errored | Skipped | Result |\n");
            md.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
            for (PackageResult p : r.packages()) {
                md.append("| ").append(mdInline(p.name()).replace("|", "\\|")).append(" | ").append(mdInline(p.runner()))
                        .append(" | ").append(p.passed()).append(" | ").append(p.failed()).append(" | ").append(p.errored())
                        .append(" | ").append(p.skipped()).append(" | ").append(stepIcon(p.status())).append(' ')
                        .append(mdInline(firstLine(p.message())).replace("|", "\\|")).append(" |\n");
            }
            md.append('\n');
        }
        md.append("Steps: ");
        for (int i = 0; i < r.steps().size(); i++) {
            StepReport s = r.steps().get(i);
            md.append(i == 0 ? "" : " → ").append(stepIcon(s.status())).append(' ').append(s.name())
                    .append(" (").append(human(s.duration())).append(')');
        }
        md.append("\n");
        network(md, r);
        List<TestCase> failures = t.failures();
        if (!failures.isEmpty()) {
            md.append("\n#### Failures\n\n");
            for (TestCase f : failures.subList(0, Math.min(Reports.MAX_LISTED_FAILURES, failures.size()))) {
                md.append("<details><summary>").append(htmlEscape(f.fullName()));
                if (!f.message().isEmpty()) {
                    md.append(" — ").append(htmlEscape(firstLine(f.message())));
                }
                md.append("</summary>\n\n");
                String body = f.details().isEmpty() ? f.message() : f.message() + "\n\n" + f.details();
                md.append(fenced(OutputCap.headAndTail(body.strip(), MAX_MD_DETAILS))).append("\n</details>\n");
            }
            if (failures.size() > Reports.MAX_LISTED_FAILURES || t.casesTruncated()) {
                md.append("\n_").append(t.failed() + t.errored() - Math.min(Reports.MAX_LISTED_FAILURES, failures.size()))
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

    /** One line per step that had a policy: the policy, the hosts contacted, the hosts denied. */
    private static void network(StringBuilder md, PipelineResult r) {
        List<StepReport> withNetwork = r.steps().stream().filter(s -> s.network() != null).toList();
        if (withNetwork.isEmpty()) {
            return;
        }
        md.append("\nNetwork:\n\n");
        for (StepReport s : withNetwork) {
            NetworkActivity n = s.network();
            md.append("- **").append(mdInline(s.name())).append("** (").append(mdInline(n.policy())).append("): contacted ")
                    .append(n.contacted().isEmpty() ? "nothing" : mdInline(String.join(", ", n.contacted())))
                    .append("; denied ")
                    .append(n.denied().isEmpty() ? "nothing" : mdInline(String.join(", ", n.deniedTargets())))
                    .append('\n');
        }
    }

    static String stepIcon(StepStatus s) {
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

    static String code(String s) {
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
}
