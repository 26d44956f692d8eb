package dev.sandboxjobs.jobs.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ResultFormat;
import org.junit.jupiter.api.Test;

class CargoAndPythonParserTest {

    @Test
    void cargoTestOutputGivesCountsSuiteAndPanicMessage() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("cargo-test-fail.txt"), ResultFormat.CARGO_TEST);

        assertThat(s.format()).isEqualTo("cargo-test");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("tests::subtracts");
            assertThat(f.suite()).isEqualTo("unittests src/lib.rs");
            assertThat(f.message()).contains("assertion failed").contains("left: `2`");
            assertThat(f.details()).contains("src/lib.rs:12:22");
        });
    }

    @Test
    void newerRustPanicFormatIsUnderstoodToo() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("cargo-test-fail-new-rust.txt"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("cargo-test");
        assertThat(s.failures()).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("assertion `left == right` failed"));
        assertThat(s.duration().toMillis()).isEqualTo(10);
    }

    @Test
    void cargoBuildErrorsWithNoTestsAreOneErroredCase() {
        String out = """
                   Compiling calc v0.1.0 (/w)
                error[E0425]: cannot find value `x` in this scope
                error: could not compile `calc` due to previous error
                """;

        TestSummary s = TestResults.parseOutput(out, ResultFormat.CARGO_TEST);

        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failures().get(0).message()).isEqualTo("cannot find value `x` in this scope");
    }

    @Test
    void pytestTextSummaryGivesCountsAndFailedIds() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("pytest-fail.txt"), ResultFormat.PYTHON_TEXT);

        assertThat(s.format()).isEqualTo("pytest");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("test_calc.py::CalcTest");
            assertThat(f.name()).isEqualTo("test_sub");
            assertThat(f.message()).isEqualTo("AssertionError: 2 != 3");
        });
    }

    @Test
    void unittestVerboseOutputGivesEveryCaseAndTheAssertion() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("unittest-fail.txt"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("unittest");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("test_calc.CalcTest");
            assertThat(f.name()).isEqualTo("test_sub");
            assertThat(f.message()).isEqualTo("AssertionError: 2 != 3");
            assertThat(f.details()).contains("test_calc.py\", line 11");
        });
    }

    @Test
    void nose2TestFunctionsAndParameterSetsAreCountedAndAFailingFunctionIsNamed() {
        // nose2 0.15 -v: test functions show their dotted id, a parameter set ":1" with its value on the
        // next line, a method parameter set spreads its id over three lines
        String out = Fixtures.output("nose2-functions.txt");

        TestSummary s = TestResults.parseOutput(out, ResultFormat.PYTHON_TEXT);

        assertThat(s.format()).isEqualTo("unittest");
        assertThat(s.passed()).isEqualTo(4);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.cases()).extracting(c -> c.suite() + "#" + c.name()).contains("tests.test_calc#test_subtracts",
                "tests.test_calc#test_negates:1", "tests.test_calc.CalcTest#test_adds",
                "tests.test_calc.CalcTest#test_divides", "tests.test_calc.CalcTest#test_doubles:1");
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("tests.test_calc");
            assertThat(f.name()).isEqualTo("test_multiplies");
            assertThat(f.message()).isEqualTo("AssertionError");
            assertThat(f.details()).contains("test_calc.py\", line 27");
        });
        assertThat(s.checkedAgainst(TestResults.printedTotals(out, "unittest")).countMismatches()).isEmpty();
    }

    @Test
    void outputThatLooksLikeAFormatButHasNoResultsEndsEmpty() {
        TestSummary s = TestResults.parseOutput("TAP version 13\n", ResultFormat.AUTO);

        assertThat(s.total()).isZero();
        assertThat(s.warnings()).isNotEmpty();
    }

    @Test
    void unrecognisedOutputIsAnEmptySummaryNamedNone() {
        TestSummary s = TestResults.parseOutput("all good, trust me\n", ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("none");
        assertThat(s.total()).isZero();
    }

    @Test
    void garbageAndHugeOutputIsBoundedAndDoesNotThrow() {
        StringBuilder junk = new StringBuilder();
        java.util.Random random = new java.util.Random(42);
        while (junk.length() < 2_000_000) {
            junk.append((char) random.nextInt(0x3000));
            if (random.nextInt(80) == 0) {
                junk.append("\nnot ok ").append(random.nextInt()).append(" - x".repeat(random.nextInt(3))).append('\n');
            }
        }
        String hugeMessage = "not ok 1 - giant\n  ---\n  error: |-\n" + ("    " + "y".repeat(1000) + "\n").repeat(200)
                + "  ...\n";

        TestSummary s = TestResults.parseOutput(junk + hugeMessage, ResultFormat.AUTO);

        assertThat(s.cases().size()).isLessThanOrEqualTo(TestSummary.MAX_CASES);
        assertThat(s.cases()).allSatisfy(c -> {
            assertThat(c.message().length()).isLessThanOrEqualTo(TestCase.MAX_MESSAGE + 20);
            assertThat(c.details().length()).isLessThanOrEqualTo(TestCase.MAX_DETAILS + 20);
        });
        assertThat(s.failed()).isGreaterThan(TestSummary.MAX_CASES);
        assertThat(s.casesTruncated()).isTrue();
    }
}
