package dev.sandboxjobs.jobs.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ResultFormat;
import org.junit.jupiter.api.Test;

class TapParserTest {

    @Test
    void nodesTestRunnerOutputCountsLeafTestsAndNamesTheFailureWithItsSuite() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("node-test-fail.tap"), ResultFormat.TAP);

        assertThat(s.format()).isEqualTo("tap");
        assertThat(s.passed()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.errored()).isZero();
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("calc");
            assertThat(f.name()).isEqualTo("multiplies");
            assertThat(f.message()).contains("Expected values to be strictly equal").contains("6 !== 7");
            assertThat(f.details()).contains("calc.test.js:9");
        });
        assertThat(s.duration().toMillis()).isEqualTo(231);
    }

    @Test
    void aPassingNodeRunHasNoFailures() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("node-test-pass.tap"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("tap");
        assertThat(s.passed()).isEqualTo(3);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.allPassed()).isTrue();
    }

    @Test
    void plainTapWithDirectivesYamlAndBailOutIsRead() {
        String tap = """
                TAP version 14
                1..5
                ok 1 - first
                not ok 2 - second # TODO not done
                ok 3 - third # SKIP no network
                not ok 4 - fourth
                  ---
                  message: "values differ"
                  severity: fail
                  at:
                    file: test.js
                    line: 3
                  ...
                ok 5 has \\# in name
                Bail out! database went away
                """;

        TestSummary s = TestResults.parseOutput(tap, ResultFormat.TAP);

        assertThat(s.passed()).isEqualTo(2);
        assertThat(s.skipped()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failures()).extracting(TestCase::name).containsExactly("fourth", "Bail out!");
        assertThat(s.failures().get(0).message()).isEqualTo("values differ");
        assertThat(s.failures().get(1).message()).isEqualTo("database went away");
        assertThat(s.cases()).extracting(TestCase::name).contains("has # in name");
    }

    @Test
    void aParentThatFailsWithoutAFailingChildCountsAsOneFailure() {
        String tap = """
                TAP version 13
                # Subtest: suite
                    # Subtest: inner
                    ok 1 - inner
                    1..1
                not ok 1 - suite
                  ---
                  failureType: 'hookFailed'
                  error: 'after hook threw'
                  ...
                1..1
                """;

        TestSummary s = TestResults.parseOutput(tap, ResultFormat.TAP);

        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("suite");
            assertThat(f.message()).isEqualTo("after hook threw");
        });
    }

    @Test
    void aMakefileThatPrintsTapIsRecognisedAutomatically() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("make-fail.txt"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("tap");
        assertThat(s.passed()).isEqualTo(1);
        assertThat(s.failures()).extracting(TestCase::name).containsExactly("adds");
    }
}
