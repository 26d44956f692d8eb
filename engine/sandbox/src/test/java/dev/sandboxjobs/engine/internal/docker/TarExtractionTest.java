package dev.sandboxjobs.engine.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TarExtraction} against a real sandbox: its {@code tar} runs as the sandbox's user, who
 * can stop it; an extraction that stalls is given up instead of hanging the caller.
 */
@RequiresDocker
class TarExtractionTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anExtractionWhoseTarTheUserStoppedIsGivenUpWhenNothingMoves() throws Exception {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sandbox = engine.getSandbox("tar-stall");
            try {
                sandbox.exec("true");
                String host = DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"));
                DockerClients.Connected docker = DockerClients.connect(host);
                String containerId = docker.client().listContainersCmd()
                        .withLabelFilter(Map.of(Labels.SANDBOX, "tar-stall")).exec().get(0).getId();
                Containers containers = new Containers(docker.client(), host, docker.apiVersion());
                TarExtraction extraction = TarExtraction.over(docker.client(),
                        ExecSockets.forHost(host, docker.apiVersion(), null), 2_000);
                byte[] block = new byte[1 << 20];

                assertThatThrownBy(() -> extraction.extract(containerId, "1000:1000", "/workspace", out -> {
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
                    TarArchiveEntry e = new TarArchiveEntry("big.bin");
                    e.setSize(256L << 20);
                    tar.putArchiveEntry(e);
                    tar.write(block);
                    tar.flush();
                    // code in the sandbox, as its user, stops the extraction's tar
                    ExecOutput stop = containers.exec(containerId, List.of("pkill", "-STOP", "-x", "tar"), List.of(), "/",
                            4096, "1000:1000");
                    assertThat(stop.exitCode()).as(stop.stderrText()).isZero();
                    for (int i = 1; i < 256; i++) {
                        tar.write(block);
                    }
                    tar.closeArchiveEntry();
                    tar.finish();
                })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("made no progress for 2 s");

                containers.exec(containerId, List.of("pkill", "-KILL", "-x", "tar"), List.of(), "/", 4096, "1000:1000");
                // the next extraction works as before
                TarExtraction.Outcome ok = extraction.extract(containerId, "1000:1000", "/workspace", out -> {
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
                    byte[] text = "after\n".getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry e = new TarArchiveEntry("after.txt");
                    e.setSize(text.length);
                    tar.putArchiveEntry(e);
                    tar.write(text);
                    tar.closeArchiveEntry();
                    tar.finish();
                });
                assertThat(ok.succeeded()).as(ok.output()).isTrue();
                assertThat(sandbox.readFile("/workspace/after.txt").content()).isEqualTo("after\n");
                docker.client().close();
            } finally {
                sandbox.destroy();
            }
        }
    }
}
