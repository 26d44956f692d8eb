package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-warming code interpreters is opt-in per sandbox (or per engine); otherwise they start on first use. */
@RequiresDocker
class SandboxInterpreterPrewarmTest {
    @TempDir static Path dir;
    static SandboxEngine engine;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static long executors(Sandbox sandbox, String name) {
        return Arrays.stream(sandbox.exec("ps -eo args").stdout().split("\n")).filter(l -> l.contains(name)).count();
    }

    static boolean eventually(Sandbox sandbox, Predicate<Sandbox> condition) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            if (condition.test(sandbox)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void aPlainSandboxStartsNoInterpreterUntilCodeRunsThenKeepsOneReadyForTheUsedLanguage() throws Exception {
        Sandbox sandbox = engine.getSandbox("prewarm-off");
        try {
            Thread.sleep(1500);
            assertThat(executors(sandbox, "python_executor")).isZero();
            assertThat(executors(sandbox, "javascript_executor")).isZero();

            assertThat(sandbox.runCode("1 + 1").text()).isEqualTo("2");

            assertThat(eventually(sandbox, s -> executors(s, "python_executor") >= 2))
                    .as("the default context's executor plus one kept ready for the next context").isTrue();
            assertThat(executors(sandbox, "javascript_executor")).isZero();
            var second = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
            assertThat(sandbox.runCode("2 + 3", RunCodeOptions.in(second)).text()).isEqualTo("5");
        } finally {
            sandbox.destroy();
        }
    }

    @Test
    void aSandboxThatAsksForPrewarmingStartsOnlyTheLanguagesItNamesWithItsContainer() throws Exception {
        Sandbox sandbox = engine.getSandbox("prewarm-python", SandboxOptions.builder()
                .prewarmInterpreters(CodeLanguage.PYTHON).build());
        try {
            assertThat(eventually(sandbox, s -> executors(s, "python_executor") >= 1)).isTrue();
            assertThat(executors(sandbox, "javascript_executor")).isZero();
            assertThat(sandbox.runCode("6 * 7").text()).isEqualTo("42");
        } finally {
            sandbox.destroy();
        }
    }

    @Test
    void anEngineWideChoiceAppliesToSandboxesWithoutTheirOwn() throws Exception {
        try (SandboxEngine warm = TestEngines.builder(dir.resolve("warm")).image(RuntimeImageForTests.image())
                .prewarmInterpreters(CodeLanguage.JAVASCRIPT).build()) {
            Sandbox byEngine = warm.getSandbox("prewarm-engine");
            Sandbox optedOut = warm.getSandbox("prewarm-opted-out", SandboxOptions.builder().prewarmInterpreters().build());
            try {
                assertThat(eventually(byEngine, s -> executors(s, "javascript_executor") >= 1)).isTrue();
                Thread.sleep(1000);
                assertThat(executors(optedOut, "javascript_executor")).isZero();
                assertThat(executors(optedOut, "python_executor")).isZero();
            } finally {
                byEngine.destroy();
                optedOut.destroy();
            }
        }
    }
}
