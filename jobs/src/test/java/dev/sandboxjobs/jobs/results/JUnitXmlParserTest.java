package dev.sandboxjobs.jobs.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JUnitXmlParserTest {

    @Test
    void pytestJunitXmlGivesCountsAndTheFailureWithItsClassname() {
        TestSummary s = TestResults.parseJUnitXml(Fixtures.output("pytest-fail.xml"));

        assertThat(s.format()).isEqualTo("junit-xml");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.duration().toMillis()).isEqualTo(40);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("test_calc.CalcTest");
            assertThat(f.name()).isEqualTo("test_sub");
            assertThat(f.message()).isEqualTo("AssertionError: 2 != 3");
            assertThat(f.details()).contains("> ", "self.assertEqual(calc.sub(5, 3), 3)");
        });
    }

    @Test
    void ctestReportCountsASkipReturnCodeAndADisabledTestAsSkippedAndAgreesWithItsPrintedTotals() {
        // cmake 3.25: a DISABLED test is status="disabled" with no <skipped/>, and left out of "out of N"
        TestSummary s = TestResults.parseJUnitXml(Fixtures.output("ctest-fail.xml"));

        assertThat(s.passed()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(2);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("multiplies");
            assertThat(f.details()).contains("multiply(2, 3) = 6, want 7");
        });
        PrintedTotals printed = TestResults.printedTotals(Fixtures.output("ctest-fail.txt"), "ctest");
        assertThat(printed.total()).isEqualTo(6);
        assertThat(s.checkedAgainst(printed).countMismatches()).isEmpty();
    }

    @Test
    void realSurefireReportGivesTheAssertionMessageAndSkip() {
        TestSummary s = TestResults.parseJUnitXml(Fixtures.output("surefire-fail.xml"));

        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.cases()).filteredOn(c -> c.status() == TestStatus.SKIPPED).singleElement()
                .satisfies(c -> assertThat(c.message()).isEqualTo("not yet"));
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.fullName()).isEqualTo("calc.CalcTest > subtracts");
            assertThat(f.message()).isEqualTo("5 - 3 ==> expected: <3> but was: <2>");
        });
    }

    @Test
    void surefireAndGradleFilesAreMergedIntoOneSummary() {
        String surefire = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="calc.CalcTest" time="0.05" tests="3" errors="1" skipped="1" failures="0">
                  <properties><property name="java.version" value="17"/></properties>
                  <testcase name="adds" classname="calc.CalcTest" time="0.01"/>
                  <testcase name="divides" classname="calc.CalcTest" time="0"><skipped message="not yet"/></testcase>
                  <testcase name="explodes" classname="calc.CalcTest" time="0.02">
                    <error message="boom" type="java.lang.IllegalStateException"><![CDATA[java.lang.IllegalStateException: boom
                	at calc.CalcTest.explodes(CalcTest.java:20)]]></error>
                    <system-out><![CDATA[printed before the crash]]></system-out>
                  </testcase>
                  <testcase name="flaky" classname="calc.CalcTest" time="0.01">
                    <flakyFailure message="first try failed" type="AssertionError"/>
                  </testcase>
                </testsuite>
                """;
        String gradle = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="calc.OtherTest" tests="1" skipped="0" failures="1" errors="0" time="0.5">
                  <testcase name="subtracts()" classname="calc.OtherTest" time="0.004">
                    <failure message="org.opentest4j.AssertionFailedError: 5 - 3 ==&gt; expected: &lt;3&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: 5 - 3 ==&gt; expected: &lt;3&gt; but was: &lt;2&gt;
                	at calc.OtherTest.subtracts(OtherTest.java:13)</failure>
                  </testcase>
                  <system-out><![CDATA[]]></system-out>
                </testsuite>
                """;
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("target/surefire-reports/TEST-calc.CalcTest.xml", surefire.getBytes(StandardCharsets.UTF_8));
        files.put("build/test-results/test/TEST-calc.OtherTest.xml", gradle.getBytes(StandardCharsets.UTF_8));

        TestSummary s = TestResults.parseJUnitXml(files);

        assertThat(s.passed()).isEqualTo(2);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.duration().toMillis()).isEqualTo(550);
        assertThat(s.failures()).extracting(TestCase::fullName)
                .containsExactlyInAnyOrder("calc.CalcTest > explodes", "calc.OtherTest > subtracts()");
        TestCase error = s.failures().stream().filter(f -> f.name().equals("explodes")).findFirst().orElseThrow();
        assertThat(error.status()).isEqualTo(TestStatus.ERRORED);
        assertThat(error.message()).isEqualTo("boom");
        assertThat(error.details()).contains("CalcTest.java:20").contains("printed before the crash");
        TestCase failure = s.failures().stream().filter(f -> f.name().equals("subtracts()")).findFirst().orElseThrow();
        assertThat(failure.message()).contains("expected: <3> but was: <2>");
    }

    @Test
    void jestJunitAndVitestNestedSuitesUseTheSuiteNameWhenThereIsNoClassname() {
        String jest = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites name="jest tests" tests="2" failures="1" errors="0" time="1.2">
                  <testsuite name="calc.test.js" errors="0" failures="1" skipped="0" timestamp="2024-01-01T00:00:00" time="1.1" tests="2">
                    <testcase classname="calc adds" name="calc adds" time="0.002"/>
                    <testcase name="calc divides by zero" time="0.003">
                      <failure>Error: expect(received).toThrow()

                Received function did not throw
                    at Object.&lt;anonymous&gt; (calc.test.js:10:5)</failure>
                    </testcase>
                  </testsuite>
                </testsuites>
                """;

        TestSummary s = TestResults.parseJUnitXml(jest);

        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("calc.test.js");
            assertThat(f.message()).isEqualTo("Error: expect(received).toThrow()");
            assertThat(f.details()).contains("Received function did not throw");
        });
    }

    @Test
    void externalEntitiesAreNeverResolved(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<testsuite><testcase name=\"a\" classname=\"c\"><failure message=\"m\">&x;</failure></testcase></testsuite>";

        TestSummary s = TestResults.parseJUnitXml(xxe);

        assertThat(s.cases()).noneSatisfy(c -> assertThat(c.details() + c.message()).contains("TOP-SECRET"));
        assertThat(s.warnings()).isNotEmpty();
    }

    @Test
    void truncatedXmlKeepsTheCasesReadBeforeTheErrorAndWarns() {
        String cut = "<testsuite name=\"s\"><testcase name=\"one\" classname=\"c\"/><testcase name=\"two\" classname=\"c\">"
                + "<failure message=\"bad\">x</failure></testcase><testcase name=\"thr";

        TestSummary s = TestResults.parseJUnitXml(cut);

        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.warnings()).singleElement().asString().contains("not well-formed").contains("kept 2");
    }

    @Test
    void garbageIsAnEmptySummaryWithAWarning() {
        TestSummary s = TestResults.parseJUnitXml(Map.of("junk.xml", new byte[] {0, 1, 2, (byte) 0xff, '<', '<'}));

        assertThat(s.total()).isZero();
        assertThat(s.warnings()).singleElement().asString().startsWith("junk.xml:");
    }

    @Test
    void tenThousandCasesAreCountedButOnlyTheCapIsKeptWithFailuresFirst() {
        StringBuilder xml = new StringBuilder("<testsuite name=\"big\">");
        for (int i = 0; i < 10_000; i++) {
            xml.append("<testcase classname=\"Big\" name=\"t").append(i).append("\"");
            xml.append(i == 9_999 ? "><failure message=\"last one\"/></testcase>" : "/>");
        }
        xml.append("</testsuite>");

        TestSummary s = TestResults.parseJUnitXml(xml.toString());

        assertThat(s.total()).isEqualTo(10_000);
        assertThat(s.cases()).hasSize(TestSummary.MAX_CASES);
        assertThat(s.casesTruncated()).isTrue();
        assertThat(s.failures()).extracting(TestCase::name).containsExactly("t9999");
    }
}
