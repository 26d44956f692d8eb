package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.storage.testing.LegacyDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by 0.1 (main at 041c812, which kept two engine ids) opens with today's sandbox
 * engine under the id its containers were labelled with, and keeps its sandboxes.
 */
@RequiresDocker
class SandboxEngineOnADatabaseOfZeroPointOneTest {
    @TempDir
    Path dir;

    @Test
    void theSandboxEngineKeepsItsIdAndItsSandboxes() {
        LegacyDatabases.main041c812(dir);
        try (SandboxEngine engine = TestEngines.create(dir)) {
            assertThat(engine.engineId()).isEqualTo(LegacyDatabases.MAIN_041C812_ENGINE_ID);
            assertThat(engine.listSandboxes()).extracting(SandboxInfo::id).containsExactly("kept-sandbox");
        }
    }
}
