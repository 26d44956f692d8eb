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

/** {@code report.json}: every field of a {@link PipelineResult}. */
final class JsonReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** {@code report.json}: every field of the result; durations in milliseconds. */
    static String json(PipelineResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("success", r.success());
        root.put("summary", r.headline());
        root.put("countsAvailable", !r.countsUnavailable());
        root.put("exitCode", r.exitCode());
        root.put("projectType", r.projectType());
        root.put("tool", r.tool());
        root.put("runner", r.runner());
        ObjectNode versions = root.putObject("toolVersions");
        r.toolVersions().forEach(versions::put);
        root.put("image", r.image());
        ArrayNode toolchains = root.putArray("toolchains");
        for (ToolchainUse u : r.toolchains()) {
            ObjectNode n = toolchains.addObject();
            n.put("tool", u.tool());
            n.put("wanted", u.wanted());
            n.put("wantedBy", u.wantedBy());
            n.put("used", u.used());
            n.put("source", u.source());
            n.put("satisfied", u.satisfied());
            n.put("note", u.note());
        }
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
            n.put("output", OutputCap.headAndTail(s.output(), Reports.MAX_STEP_OUTPUT));
            if (s.network() != null) {
                ObjectNode net = n.putObject("network");
                net.put("policy", s.network().policy());
                s.network().contacted().forEach(net.putArray("contacted")::add);
                s.network().denied().forEach(net.putArray("denied")::add);
            }
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
        if (t.printed() != null) {
            ObjectNode p = tests.putObject("printedTotals");
            p.put("runner", t.printed().runner());
            p.put("line", t.printed().line());
            p.put("total", t.printed().total());
            p.put("passed", t.printed().passed());
            p.put("failed", t.printed().failed());
            p.put("skipped", t.printed().skipped());
        }
        ArrayNode mismatches = tests.putArray("countMismatches");
        t.countMismatches().forEach(mismatches::add);
        ArrayNode warnings = tests.putArray("warnings");
        t.warnings().forEach(warnings::add);
        ArrayNode packages = root.putArray("packages");
        for (PackageResult p : r.packages()) {
            ObjectNode n = packages.addObject();
            n.put("name", p.name());
            n.put("directory", p.directory());
            n.put("runner", p.runner());
            n.put("command", p.command());
            n.put("exitCode", p.exitCode());
            n.put("status", p.status().name().toLowerCase(Locale.ROOT));
            n.put("passed", p.passed());
            n.put("failed", p.failed());
            n.put("skipped", p.skipped());
            n.put("errored", p.errored());
            n.put("message", p.message());
        }
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
}
