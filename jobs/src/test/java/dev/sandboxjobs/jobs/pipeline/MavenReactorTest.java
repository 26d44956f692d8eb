package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MavenReactorTest {
    @Test
    void theModulesTheSummaryMarksSkippedInItsOrder() {
        String out = String.join("\n",
                "[INFO] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0",
                "[INFO] ------------------------------------------------------------------------",
                "[INFO] Reactor Summary for parent 1.0:",
                "[INFO] ",
                "[INFO] parent ............................................. SUCCESS [  0.412 s]",
                "[INFO] core ............................................... FAILURE [  5.123 s]",
                "[INFO] My Web App ......................................... SKIPPED",
                "[INFO] api ................................................ SUCCESS [  2.111 s]",
                "[INFO] a-module-name-longer-than-the-dots SKIPPED",
                "[INFO] ------------------------------------------------------------------------",
                "[INFO] BUILD FAILURE",
                "[INFO] ------------------------------------------------------------------------",
                "[INFO] other ............................................... SKIPPED");
        assertThat(MavenReactor.skippedModules(out)).containsExactly("My Web App", "a-module-name-longer-than-the-dots");
    }

    @Test
    void noSummaryOrNothingSkippedIsNone() {
        assertThat(MavenReactor.skippedModules("[INFO] BUILD SUCCESS\n[INFO] web ..... SKIPPED")).isEmpty();
        assertThat(MavenReactor.skippedModules(String.join("\r\n", "[INFO] Reactor Summary:", "[INFO] ",
                "[INFO] a .... SUCCESS [ 1 s]", "[INFO] b .... FAILURE [ 1 s]", "[INFO] ----"))).isEmpty();
    }
}
