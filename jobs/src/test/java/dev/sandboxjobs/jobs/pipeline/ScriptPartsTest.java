package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScriptPartsTest {

    @Test
    void aLinterChainedBeforeTheRunnerIsNamedFromNpmsBanner() {
        String output = """

                > app@1.0.0 test
                > eslint . && node --test

                /repo/src/index.js
                  3:7  error  'x' is assigned a value but never used  no-unused-vars

                ✖ 1 problem (1 error, 0 warnings)
                """;

        assertThat(ScriptParts.failedPart(output, "node:test", false)).isEqualTo("the test script `eslint . && node --test`"
                + " stopped before node:test reported any result: a part before it failed (`eslint .`)");
    }

    @Test
    void everyPartBeforeTheRunnerIsListed() {
        String output = "> app@1.0.0 test\n> tsc -p . && eslint . && mocha\n\nerror TS2322\n";

        assertThat(ScriptParts.failedPart(output, "mocha", false))
                .endsWith("stopped before mocha reported any result: a part before it failed (`tsc -p .`, `eslint .`)");
    }

    @Test
    void theRunnerIsFoundWhenDetectionDidNotKnowIt() {
        String output = "> app@1.0.0 test\n> standard; jest\n";

        assertThat(ScriptParts.failedPart(output, "", false)).contains("stopped before jest reported any result")
                .contains("(`standard`)");
    }

    @Test
    void yarnsBannerIsReadWhenNpmsIsAbsent() {
        String output = "$ xo && ava\n  ✖  src/a.js:1:1  Unexpected var\nerror Command failed with exit code 1.\n";

        assertThat(ScriptParts.failedPart(output, "ava", false)).isEqualTo("the test script `xo && ava` stopped before ava"
                + " reported any result: a part before it failed (`xo`)");
    }

    @Test
    void theLastBannerIsTheOneThatFailed() {
        // npm prints a banner per script it runs: pretest passed, then the test script's chain failed
        String output = """
                > app@1.0.0 pretest
                > echo preparing

                preparing

                > app@1.0.0 test
                > eslint . && vitest run
                """;

        assertThat(ScriptParts.failedPart(output, "vitest", false)).contains("`eslint . && vitest run`")
                .contains("a part before it failed (`eslint .`)");
    }

    @Test
    void aFailingPretestHookIsNamed() {
        String output = "> app@1.0.0 pretest\n> npm run lint\n\nlint failed\n";

        assertThat(ScriptParts.failedPart(output, "mocha", false))
                .isEqualTo("the pretest script (`npm run lint`) failed before the tests ran");
    }

    @Test
    void aFailingPosttestHookIsNamed() {
        String output = "> app@1.0.0 test\n> node --test\n\nok 1 - adds\n\n> app@1.0.0 posttest\n> nyc check-coverage\n";

        assertThat(ScriptParts.failedPart(output, "node:test", false))
                .isEqualTo("the tests ran, then the posttest script (`nyc check-coverage`) failed");
    }

    @Test
    void aChainWithoutAKnownRunnerSaysSoWithoutNamingAPart() {
        String output = "> app@1.0.0 test\n> ./build.sh && ./check.sh\n";

        assertThat(ScriptParts.failedPart(output, "", false)).isEqualTo("the test script `./build.sh && ./check.sh` failed in"
                + " one of its parts; no test runner's results were found");
    }

    @Test
    void nothingIsBlamedWhenTheRunnerIsTheFirstPartOrTheOnlyOne() {
        assertThat(ScriptParts.failedPart("> app@1.0.0 test\n> node --test\n\nnot ok 1 - adds\n", "node:test", false)).isEmpty();
        assertThat(ScriptParts.failedPart("> app@1.0.0 test\n> mocha && echo done\n", "mocha", false)).isEmpty();
    }

    @Test
    void aPartChainedAfterPassingTestsIsNamed() {
        String output = "> app@1.0.0 test\n> node --test && tsc --noEmit && exit 3\n\nok 1 - adds\n# pass 1\n";

        assertThat(ScriptParts.failedPart(output, "node:test", true)).isEqualTo("the tests passed, then a part of the"
                + " test script `node --test && tsc --noEmit && exit 3` after node:test failed (`tsc --noEmit`, `exit 3`)");
    }

    @Test
    void withResultsSeenNothingBeforeTheRunnerIsBlamed() {
        // the runner reported passing tests, so the parts before it did not stop the script
        assertThat(ScriptParts.failedPart("> app@1.0.0 test\n> eslint . && mocha\n", "mocha", true)).isEmpty();
        assertThat(ScriptParts.failedPart("> app@1.0.0 test\n> ./build.sh && ./check.sh\n", "", true)).isEmpty();
    }

    @Test
    void outputWithoutABannerBlamesNothing() {
        assertThat(ScriptParts.failedPart("Error: Cannot find module 'x'\n", "mocha", false)).isEmpty();
        assertThat(ScriptParts.failedPart("", "", false)).isEmpty();
    }
}
