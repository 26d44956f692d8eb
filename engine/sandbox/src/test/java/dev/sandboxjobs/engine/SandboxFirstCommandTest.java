package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default session's shell of a new sandbox boots in the background (or comes booted from the
 * warm pool); the first command still sees everything given before it ran.
 */
@RequiresDocker
class SandboxFirstCommandTest {
    @TempDir Path dir;

    void secretsAndVariablesGivenBeforeTheFirstCommandAreSeenByIt(SandboxEngine engine, String id) {
        Sandbox created = engine.getSandbox(id, SandboxOptions.builder().env("AT_CREATION", "1").build());
        created.setEnvVars(Map.of("SET_LATER", "2"));
        Sandbox again = engine.getSandbox(id, SandboxOptions.builder().secret("GIVEN_LATER", Secret.of("3")).build());
        try {
            assertThat(again.exec("echo $AT_CREATION-$SET_LATER-$GIVEN_LATER; pwd").stdout()).isEqualTo("1-2-3\n/workspace\n");
        } finally {
            again.destroy();
        }
    }

    @Test
    void aColdSandboxsFirstCommandSeesVariablesAndSecretsGivenAfterItWasCreated() {
        try (SandboxEngine engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build()) {
            secretsAndVariablesGivenBeforeTheFirstCommandAreSeenByIt(engine, "cold-first");
        }
    }

    @Test
    void aPooledSandboxsFirstCommandSeesVariablesAndSecretsGivenAfterItWasCreated() throws Exception {
        try (SandboxEngine engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).warmPool(1).build()) {
            SandboxWarmPoolTest.await("the pool is warm", () -> engine.warmPoolReady() == 1);
            secretsAndVariablesGivenBeforeTheFirstCommandAreSeenByIt(engine, "pooled-first");
        }
    }
}
