package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxVolumesTest {
    @TempDir Path dir;
    final String volume = "sandbox-jobs-test-volume-" + HexFormat.of().formatHex(new byte[] {
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt()});

    @AfterEach
    void removeTheVolume() throws Exception {
        new ProcessBuilder("docker", "volume", "rm", "-f", volume).redirectErrorStream(true).start().waitFor();
    }

    @Test
    void aNamedVolumeIsCreatedOnDemandLabelledAndOutlivesTheSandboxesThatMountIt() throws Exception {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox first = engine.getSandbox("volume-1", SandboxOptions.builder().volume(volume, "/cache/test").build());
            first.exec("echo cached > /cache/test/file");
            first.destroy();

            Sandbox second = engine.getSandbox("volume-2", SandboxOptions.builder().volume(volume, "/mnt/again").build());
            try {
                assertThat(second.readFile("/mnt/again/file").content()).isEqualTo("cached\n");
            } finally {
                second.destroy();
            }
        }
        Process inspect = new ProcessBuilder("docker", "volume", "inspect", "--format",
                "{{index .Labels \"dev.sandboxjobs.volume\"}}", volume).start();
        assertThat(new String(inspect.getInputStream().readAllBytes()).trim()).isEqualTo("cache");
        assertThat(inspect.waitFor()).isZero();
    }
}
