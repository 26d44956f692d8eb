package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class MainWithDockerTest {
    @BeforeAll
    static void ensureTheSharedImage() {
        RuntimeImageForTests.ensure();
    }

    @Test
    void setupOnAReadyMachineSaysTheImageIsUpToDate() {
        MainTest.Run run = MainTest.run("setup");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("is up to date", RuntimeImageForTests.image(), RuntimeImage.defaultReference(), "Docker engine");
        assertThat(run.out()).doesNotContain("Step 1/");
    }

    @Test
    void doctorOnAReadyMachinePrintsTheEngineTheImageAndTheDatabaseAndExitsZero(@TempDir Path dir) {
        MainTest.Run run = MainTest.run("doctor", "--data-dir", dir.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Docker engine", "Docker API", RuntimeImage.defaultReference(), "up to date",
                dir.resolve("sandbox-jobs.db").toString(), "Status           OK");
    }
}
