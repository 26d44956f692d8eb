package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams JUnit XML (Surefire, Gradle, pytest, jest-junit, vitest, …) with the JDK's StAX
 * parser, DTDs and external entities disabled. Malformed input keeps what was read before
 * the error and adds a warning.
 */
public final class JUnitXmlParser {

    private static final int MAX_TEXT = TestCase.MAX_DETAILS * 2;

    private final XMLInputFactory factory;

    public JUnitXmlParser() {
        factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
    }

    /** Parses one document named {@code source} (used in warnings). */
    public TestSummary parse(String source, byte[] xml) {
        List<TestCase> cases = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Deque<String> suites = new ArrayDeque<>();
        Duration topLevelTime = Duration.ZERO;
        boolean sawTopLevelTime = false;
        int suiteDepth = 0;

        String caseSuite = null;
        String caseName = null;
        Duration caseTime = Duration.ZERO;
        TestStatus caseStatus = null;
        String caseMessage = "";
        StringBuilder caseDetails = null;
        StringBuilder text = null;
        boolean inResultElement = false;

        XMLStreamReader r = null;
        try {
            r = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    String el = r.getLocalName();
                    switch (el) {
                        case "testsuite" -> {
                            if (suiteDepth == 0 && r.getAttributeValue(null, "time") != null) {
                                topLevelTime = topLevelTime.plus(seconds(r.getAttributeValue(null, "time")));
                                sawTopLevelTime = true;
                            }
                            suiteDepth++;
                            suites.push(nz(r.getAttributeValue(null, "name")));
                        }
                        case "testcase" -> {
                            caseName = nz(r.getAttributeValue(null, "name"));
                            String cls = r.getAttributeValue(null, "classname");
                            caseSuite = cls != null && !cls.isEmpty() ? cls : suites.isEmpty() ? "" : suites.peek();
                            caseTime = seconds(r.getAttributeValue(null, "time"));
                            // ctest writes a DISABLED test as status="disabled" with no <skipped/> element
                            String status = nz(r.getAttributeValue(null, "status"));
                            caseStatus = status.equals("disabled") || status.equals("notrun") ? TestStatus.SKIPPED
                                    : TestStatus.PASSED;
                            caseMessage = "";
                            caseDetails = new StringBuilder();
                        }
                        case "failure", "error", "skipped" -> {
                            if (caseName != null) {
                                TestStatus status = el.equals("failure") ? TestStatus.FAILED
                                        : el.equals("error") ? TestStatus.ERRORED : TestStatus.SKIPPED;
                                // the first failure/error wins; a later one adds details
                                if (caseStatus == TestStatus.PASSED || caseStatus == TestStatus.SKIPPED) {
                                    caseStatus = status;
                                    caseMessage = nz(r.getAttributeValue(null, "message"));
                                    String type = r.getAttributeValue(null, "type");
                                    if (caseMessage.isEmpty() && type != null) {
                                        caseMessage = type;
                                    }
                                }
                                inResultElement = true;
                                text = new StringBuilder();
                            }
                        }
                        case "system-out", "system-err" -> {
                            if (caseName != null) {
                                text = new StringBuilder();
                            }
                        }
                        default -> {
                        }
                    }
                } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                        || event == XMLStreamConstants.SPACE) {
                    if (text != null && text.length() < MAX_TEXT) {
                        String t = r.getText();
                        text.append(t, 0, Math.min(t.length(), MAX_TEXT - text.length()));
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    String el = r.getLocalName();
                    switch (el) {
                        case "testsuite" -> {
                            suiteDepth--;
                            if (!suites.isEmpty()) {
                                suites.pop();
                            }
                        }
                        case "testcase" -> {
                            if (caseName != null) {
                                cases.add(new TestCase(caseSuite, caseName, caseStatus, caseTime, caseMessage,
                                        caseDetails.toString().strip()));
                            }
                            caseName = null;
                            text = null;
                        }
                        case "failure", "error", "skipped" -> {
                            if (inResultElement && text != null) {
                                String body = text.toString().strip();
                                if (caseMessage.isEmpty() && !body.isEmpty()) {
                                    caseMessage = body.lines().findFirst().orElse("");
                                }
                                appendSection(caseDetails, body);
                            }
                            inResultElement = false;
                            text = null;
                        }
                        case "system-out", "system-err" -> {
                            if (text != null && caseDetails != null && caseStatus != TestStatus.PASSED) {
                                String body = text.toString().strip();
                                if (!body.isEmpty()) {
                                    appendSection(caseDetails, "[" + el + "]\n" + body);
                                }
                            }
                            text = null;
                        }
                        default -> {
                        }
                    }
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            warnings.add(source + ": not well-formed JUnit XML (" + firstLine(e.getMessage()) + "); kept "
                    + cases.size() + " test case(s) read before the error");
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing was opened that needs closing beyond the byte array
                }
            }
        }
        return TestSummary.of("junit-xml", cases, sawTopLevelTime ? topLevelTime : null, warnings);
    }

    private static void appendSection(StringBuilder details, String body) {
        if (details == null || body.isEmpty()) {
            return;
        }
        if (details.length() > 0) {
            details.append("\n\n");
        }
        details.append(body, 0, Math.min(body.length(), Math.max(0, MAX_TEXT - details.length())));
    }

    static Duration seconds(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        try {
            double s = Double.parseDouble(value.replace(",", "").trim());
            if (Double.isNaN(s) || s < 0 || s > 1e9) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) (s * 1e9));
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
