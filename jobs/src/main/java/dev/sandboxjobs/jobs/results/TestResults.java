package dev.sandboxjobs.jobs.results;

import dev.sandboxjobs.jobs.detect.ResultFormat;
import dev.sandboxjobs.jobs.results.internal.CargoTestParser;
import dev.sandboxjobs.jobs.results.internal.Ansi;
import dev.sandboxjobs.jobs.results.internal.AutomakeParser;
import dev.sandboxjobs.jobs.results.internal.GoTestJsonParser;
import dev.sandboxjobs.jobs.results.internal.JestJsonParser;
import dev.sandboxjobs.jobs.results.internal.PrintedTotalsScanner;
import dev.sandboxjobs.jobs.results.internal.RunnerTextParser;
import dev.sandboxjobs.jobs.results.internal.JUnitXmlParser;
import dev.sandboxjobs.jobs.results.internal.PythonOutputParser;
import dev.sandboxjobs.jobs.results.internal.TapParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Turns test tools' reports and output into a {@link TestSummary}. Input is untrusted and
 * bounded: each XML file is read up to {@link #MAX_XML_BYTES}, output up to
 * {@link #MAX_OUTPUT_CHARS}; messages, details and the number of cases are capped.
 *
 * <pre>{@code
 * TestSummary fromXml = TestResults.parseJUnitXml(Map.of("TEST-a.xml", bytes));
 * TestSummary fromOut = TestResults.parseOutput(stdout, ResultFormat.AUTO);
 * }</pre>
 */
public final class TestResults {

    /** Largest JUnit XML file parsed; larger files are cut (and then usually malformed). */
    public static final int MAX_XML_BYTES = 32 * 1024 * 1024;
    /** Largest output parsed: beyond it, its first quarter and its last three quarters are read. */
    public static final int MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

    private TestResults() {
    }

    /** Parses and merges JUnit XML files, keyed by a name used in warnings (their paths). */
    public static TestSummary parseJUnitXml(Map<String, byte[]> files) {
        JUnitXmlParser parser = new JUnitXmlParser();
        TestSummary merged = TestSummary.empty("junit-xml");
        for (var file : files.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            byte[] xml = file.getValue();
            TestSummary one;
            if (xml.length > MAX_XML_BYTES) {
                byte[] cut = java.util.Arrays.copyOf(xml, MAX_XML_BYTES);
                one = parser.parse(file.getKey(), cut);
                one = withWarning(one, file.getKey() + ": larger than " + MAX_XML_BYTES + " bytes, read only the start");
            } else {
                one = parser.parse(file.getKey(), xml);
            }
            merged = merged.merge(one);
        }
        return merged;
    }

    /**
     * Parses and merges report files: jest's JSON report ({@code *.json}) and JUnit XML (anything else),
     * keyed by their paths.
     */
    public static TestSummary parseReports(Map<String, byte[]> files) {
        Map<String, byte[]> xml = new java.util.TreeMap<>();
        TestSummary merged = null;
        for (var file : new java.util.TreeMap<>(files).entrySet()) {
            if (file.getKey().endsWith(".json")) {
                TestSummary one = new JestJsonParser().parse(file.getKey(), file.getValue());
                merged = merged == null ? one : merged.merge(one);
            } else {
                xml.put(file.getKey(), file.getValue());
            }
        }
        if (!xml.isEmpty()) {
            TestSummary fromXml = parseJUnitXml(xml);
            merged = merged == null ? fromXml : merged.merge(fromXml);
        }
        return merged == null ? TestSummary.empty("none") : merged;
    }

    /**
     * The totals {@code runner} printed in {@code output} (or the first runner's found when it printed
     * none, or {@code runner} is null); null when the output has no runner summary.
     */
    public static PrintedTotals printedTotals(String output, String runner) {
        String text = output == null ? "" : output.length() > MAX_OUTPUT_CHARS
                ? output.substring(output.length() - MAX_OUTPUT_CHARS) : output;
        return PrintedTotalsScanner.find(text, runner);
    }

    /** Parses one JUnit XML document. */
    public static TestSummary parseJUnitXml(String xml) {
        return parseJUnitXml(Map.of("junit.xml", xml.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Parses a test command's output. With {@link ResultFormat#AUTO} (or a format whose
     * parser finds nothing) the format is guessed from the output; when nothing is
     * recognised the summary is empty with format {@code "none"}.
     */
    public static TestSummary parseOutput(String output, ResultFormat format) {
        return parseOutput(output, format, null);
    }

    /**
     * Parses a test command's output as {@link #parseOutput(String, ResultFormat)} does, with the
     * runner that detection expects ({@code "mocha"}, {@code "jest"}…; null when unknown) as a hint for
     * {@link ResultFormat#RUNNER_TEXT}.
     */
    public static TestSummary parseOutput(String output, ResultFormat format, String runner) {
        // a longer output keeps its start and, above all, its end, where runners print their summaries
        String raw = output == null ? "" : output.length() <= MAX_OUTPUT_CHARS ? output
                : output.substring(0, MAX_OUTPUT_CHARS / 4) + "\n"
                        + output.substring(output.length() - (MAX_OUTPUT_CHARS - MAX_OUTPUT_CHARS / 4));
        String text = Ansi.strip(raw);
        TestSummary parsed = parseWith(format, text, runner);
        if (parsed != null && parsed.total() > 0) {
            return parsed;
        }
        ResultFormat guessed = guessFormat(text);
        if (guessed == ResultFormat.AUTO || guessed == format) {
            return parsed != null ? parsed : TestSummary.empty("none");
        }
        TestSummary second = parseWith(guessed, text, runner);
        return parsed == null || second.total() > 0 ? second : parsed;
    }

    private static TestSummary parseWith(ResultFormat format, String text, String runner) {
        return switch (format) {
            case RUNNER_TEXT -> {
                TestSummary s = new RunnerTextParser().parse(text, runner);
                yield s != null ? s : new RunnerTextParser().parse(text, null);
            }
            case AUTOMAKE -> new AutomakeParser().parse(text);
            case TAP -> new TapParser().parse(text);
            case GO_TEST_JSON -> new GoTestJsonParser().parse(text);
            case CARGO_TEST -> new CargoTestParser().parse(text);
            case PYTHON_TEXT -> new PythonOutputParser().parse(text);
            case JUNIT_XML, AUTO -> null;
        };
    }

    /** The format {@code output} appears to be in, or {@link ResultFormat#AUTO} when none is recognised. */
    public static ResultFormat guessFormat(String output) {
        if (GoTestJsonParser.looksLikeGoJson(output)) {
            return ResultFormat.GO_TEST_JSON;
        }
        if (CargoTestParser.looksLikeCargo(output)) {
            return ResultFormat.CARGO_TEST;
        }
        if (PythonOutputParser.looksLikePython(output)) {
            return ResultFormat.PYTHON_TEXT;
        }
        if (TapParser.looksLikeTap(output)) {
            return ResultFormat.TAP;
        }
        if (AutomakeParser.looksLikeAutomake(output)) {
            return ResultFormat.AUTOMAKE;
        }
        if (RunnerTextParser.recognises(output)) {
            return ResultFormat.RUNNER_TEXT;
        }
        return ResultFormat.AUTO;
    }

    private static TestSummary withWarning(TestSummary s, String warning) {
        List<String> warnings = new java.util.ArrayList<>(s.warnings());
        warnings.add(warning);
        return new TestSummary(s.format(), s.passed(), s.failed(), s.skipped(), s.errored(), s.duration(), s.cases(),
                s.casesTruncated(), warnings);
    }
}
