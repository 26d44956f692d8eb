package dev.sandboxjobs.jobs.results;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ResultFormat;
import org.junit.jupiter.api.Test;

class GoTestJsonParserTest {

    @Test
    void subtestsAreCountedInsteadOfTheirParent() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("go-test-fail.json"), ResultFormat.GO_TEST_JSON);

        assertThat(s.format()).isEqualTo("go-test-json");
        assertThat(s.passed()).isEqualTo(2); // TestAdd, TestSub/negative
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("example.com/calc");
            assertThat(f.name()).isEqualTo("TestSub/positive");
            assertThat(f.message()).isEqualTo("calc_test.go:19: Sub(5, 3) = 2, want 3");
        });
    }

    @Test
    void aPassingRunIsRecognisedWithoutAHint() {
        TestSummary s = TestResults.parseOutput(Fixtures.output("go-test-pass.json"), ResultFormat.AUTO);

        assertThat(s.format()).isEqualTo("go-test-json");
        assertThat(s.passed()).isEqualTo(3);
        assertThat(s.skipped()).isEqualTo(1);
        assertThat(s.allPassed()).isTrue();
    }

    @Test
    void aPackageThatDoesNotBuildIsOneErroredCase() {
        String out = """
                # example.com/broken [example.com/broken.test]
                ./calc.go:3:1: syntax error: non-declaration statement outside function body
                {"Action":"output","Package":"example.com/broken","Output":"FAIL\\texample.com/broken [build failed]\\n"}
                {"Action":"fail","Package":"example.com/broken","Elapsed":0}
                not json {
                """;

        TestSummary s = TestResults.parseOutput(out, ResultFormat.GO_TEST_JSON);

        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.suite()).isEqualTo("example.com/broken");
            assertThat(f.details()).contains("syntax error");
        });
    }

    @Test
    void aTestThatNeverFinishesIsErrored() {
        String out = """
                {"Action":"run","Package":"p","Test":"TestHangs"}
                {"Action":"output","Package":"p","Test":"TestHangs","Output":"panic: test timed out after 1s\\n"}
                {"Action":"fail","Package":"p","Elapsed":1}
                """;

        TestSummary s = TestResults.parseOutput(out, ResultFormat.GO_TEST_JSON);

        assertThat(s.errored()).isEqualTo(1);
        assertThat(s.failures().get(0).message()).isEqualTo("panic: test timed out after 1s");
    }
}
