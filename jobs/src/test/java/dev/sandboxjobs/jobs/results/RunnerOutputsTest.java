package dev.sandboxjobs.jobs.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ResultFormat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real output of each runner on the same suite (3 passing, 1 failing {@code calc > nested > multiplies},
 * 1 skipped), captured from mocha 12, jest 30, vitest 4, ava 7, jasmine 5, uvu 0.5, tap 21 and node 20.
 */
class RunnerOutputsTest {

    private static void assertCounts(TestSummary s, int passed, int failed, int skipped) {
        assertThat(s.passed()).as("passed").isEqualTo(passed);
        assertThat(s.failed() + s.errored()).as("failed").isEqualTo(failed);
        assertThat(s.skipped()).as("skipped").isEqualTo(skipped);
    }

    @Test
    void mochaSpecOutputCountsFromItsTotalsAndNamesTheFailureWithItsSuites() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("runner-mocha.txt"), ResultFormat.RUNNER_TEXT, "mocha");

        assertThat(s.format()).isEqualTo("mocha");
        assertCounts(s, 3, 1, 1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("calc > nested");
            assertThat(f.name()).isEqualTo("multiplies");
            assertThat(f.message()).contains("product is wrong");
        });
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void jestDefaultOutputCountsFromTheTestsLine() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("runner-jest.txt"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("jest");
        assertCounts(s, 7, 1, 2);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("calc > nested");
            assertThat(f.name()).isEqualTo("multiplies");
            assertThat(f.message()).contains("expect(received).toBe(expected)");
        });
    }

    @Test
    void jestJsonReportIsReadCaseByCaseAndCheckedAgainstItsTotals() {
        byte[] json = Fixtures.output("runner-jest.json").getBytes(StandardCharsets.UTF_8);
        TestSummary s = TestResults.parseReports(Map.of("/r/jest.json", json));

        assertThat(s.format()).isEqualTo("jest-json");
        assertCounts(s, 7, 1, 2);
        assertThat(s.printed()).isNotNull();
        assertThat(s.countMismatches()).isEmpty();
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.fullName()).isEqualTo("calc > nested > multiplies");
            assertThat(f.message()).contains("expect(received).toBe(expected)");
        });
    }

    @Test
    void vitestDefaultOutputAndItsJUnitReportAgree() {
        TestSummary text = TestResults.parseOutput(Fixtures.output("runner-vitest.txt"), ResultFormat.AUTO);
        TestSummary xml = TestResults.parseReports(Map.of("/r/vitest.xml",
                Fixtures.output("runner-vitest.xml").getBytes(StandardCharsets.UTF_8)));

        assertThat(text.format()).isEqualTo("vitest");
        assertCounts(text, 3, 1, 1);
        assertCounts(xml, 3, 1, 1);
        assertThat(text.failures()).singleElement().satisfies(f -> {
            assertThat(f.fullName()).isEqualTo("calc.test.mjs > calc > nested > multiplies");
            assertThat(f.message()).contains("expected 6 to be 7");
        });
    }

    @Test
    void avaDefaultOutputCountsItsTickedLinesWhenItPrintsNoPassedTotal() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("runner-ava.txt"), ResultFormat.RUNNER_TEXT, "ava");

        assertThat(s.format()).isEqualTo("ava");
        assertCounts(s, 3, 1, 1);
        assertThat(s.failures()).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("multiplies"));
    }

    @Test
    void avaTapOutputIsTap() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("runner-ava-tap.txt"), ResultFormat.TAP);

        assertCounts(s, 3, 1, 1);
        assertThat(TestResults.printedTotals(Fixtures.output("runner-ava-tap.txt"), "tap").mismatches(s)).isEmpty();
    }

    @Test
    void jasmineAndUvuOutputs() {
        TestSummary jasmine = TestResults.parseOutput(Fixtures.output("runner-jasmine.txt"), ResultFormat.AUTO);
        TestSummary uvu = TestResults.parseOutput(Fixtures.output("runner-uvu.txt"), ResultFormat.AUTO);

        assertThat(jasmine.format()).isEqualTo("jasmine");
        assertCounts(jasmine, 3, 1, 1);
        assertThat(jasmine.failures()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("calc nested multiplies");
            assertThat(f.message()).isEqualTo("Expected 6 to be 7.");
        });
        assertThat(uvu.format()).isEqualTo("uvu");
        assertCounts(uvu, 3, 1, 1);
        assertThat(uvu.failures()).singleElement().satisfies(f -> assertThat(f.fullName()).isEqualTo("calc > multiplies"));
    }

    @Test
    void nodeTapAndNodeTestRunnerTapMatchTheirPrintedTotals() {
        for (String fixture : new String[] {"runner-tap.txt", "runner-nodetest.txt"}) {
            String out = Fixtures.output(fixture);
            TestSummary s = TestResults.parseOutput(out, ResultFormat.TAP);
            assertCounts(s, 3, 1, 1);
            PrintedTotals printed = TestResults.printedTotals(out, null);
            assertThat(printed).as(fixture).isNotNull();
            assertThat(printed.mismatches(s)).as(fixture).isEmpty();
            assertThat(s.failures()).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("multiplies"));
        }
    }

    @Test
    void unittestDocstringsDoctestsPrintedOutputAndSubtestsAreAllCounted() {
        String out = Fixtures.output("unittest-docstrings.txt");
        TestSummary s = TestResults.parseOutput(out, ResultFormat.PYTHON_TEXT);

        assertThat(s.format()).isEqualTo("unittest");
        assertThat(s.passed()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.failures()).extracting(TestCase::fullName).containsExactlyInAnyOrder(
                "test_calc.CalcTest > test_sub", "test_calc.CalcTest > test_sub_tests", "test_calc.CalcTest > test_error",
                "calc > sub");
        assertThat(s.failures()).filteredOn(f -> f.name().equals("test_sub")).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("AssertionError: 2 != 3"));
        PrintedTotals printed = TestResults.printedTotals(out, "unittest");
        assertThat(printed.total()).isEqualTo(8);
        assertThat(printed.mismatches(s)).isEmpty();
    }

    @Test
    void aCountThatDisagreesWithThePrintedTotalIsAWarningNotHidden() {
        String out = "test_a (m.T.test_a) ... ok\n\n----------------------------------------------------------------------\n"
                + "Ran 2 tests in 0.001s\n\nOK\n";
        TestSummary s = TestResults.parseOutput(out, ResultFormat.PYTHON_TEXT);
        TestSummary checked = s.checkedAgainst(TestResults.printedTotals(out, "unittest"));

        assertThat(checked.passed()).isEqualTo(1);
        assertThat(checked.countMismatches()).isNotEmpty();
        assertThat(checked.warnings()).anySatisfy(w -> assertThat(w).startsWith("count mismatch: unittest printed 2 tests"));
    }

    @Test
    void automakeCheckOutputWithItsTotals() {
        String out = """
                PASS: t/basic.test
                FAIL: t/broken.test
                SKIP: t/later.test
                XFAIL: t/known.test
                PASS: t/calc.tap 1 - adds
                ============================================================================
                Testsuite summary for calc 1.0
                ============================================================================
                # TOTAL: 5
                # PASS:  2
                # SKIP:  1
                # XFAIL: 1
                # FAIL:  1
                # XPASS: 0
                # ERROR: 0
                """;
        TestSummary s = TestResults.parseOutput(out, ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("automake");
        assertCounts(s, 3, 1, 1);
        assertThat(s.failures()).singleElement().satisfies(f -> assertThat(f.name()).isEqualTo("t/broken.test"));
        assertThat(TestResults.printedTotals(out, "automake").mismatches(s)).isEmpty();
    }

    @Test
    void surefireAndCargoTotalsAreSummedOverModulesAndBinaries() {
        String maven = """
                [ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 1, Time elapsed: 0.05 s <<< FAILURE! -- in calc.CalcTest
                [INFO] Results:
                [ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 1
                [INFO] Results:
                [INFO] Tests run: 2, Failures: 0, Errors: 0, Skipped: 0
                """;
        PrintedTotals p = TestResults.printedTotals(maven, "surefire");
        assertThat(p.total()).isEqualTo(5);
        assertThat(p.failed()).isEqualTo(1);
        assertThat(p.skipped()).isEqualTo(1);
        String cargo = "test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n"
                + "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n";
        PrintedTotals c = TestResults.printedTotals(cargo, "cargo");
        assertThat(c.passed()).isEqualTo(3);
        assertThat(c.total()).isEqualTo(5);
    }
}
