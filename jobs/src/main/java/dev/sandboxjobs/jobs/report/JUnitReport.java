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

/** {@code junit.xml}: the kept cases by suite, plus a failed pipeline step as an errored case. */
final class JUnitReport {

    private JUnitReport() {
    }

    /**
     * {@code junit.xml}: every kept test case grouped by suite, plus one errored case per
     * failed pipeline step before the tests (so a CI system shows an install failure too).
     */
    static String junitXml(PipelineResult r) {
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

    static void writeCounts(XMLStreamWriter w, List<TestCase> cases) throws XMLStreamException {
        w.writeAttribute("tests", String.valueOf(cases.size()));
        w.writeAttribute("failures", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.FAILED).count()));
        w.writeAttribute("errors", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.ERRORED).count()));
        w.writeAttribute("skipped", String.valueOf(cases.stream().filter(c -> c.status() == TestStatus.SKIPPED).count()));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
