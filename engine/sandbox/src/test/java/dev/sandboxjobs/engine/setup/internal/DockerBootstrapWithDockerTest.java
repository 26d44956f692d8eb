package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install-and-start path end to end on a fake host whose "daemon" makes a private socket
 * lead to the real engine: the running Docker is never stopped, installed or started.
 */
@RequiresDocker
class DockerBootstrapWithDockerTest {
    @Test
    void rootOnDebianWithoutDockerInstallsItStartsTheDaemonAndWaitsUntilItAnswers(@TempDir Path dir) throws Exception {
        Path realSocket = Path.of(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST")).replaceFirst("^unix://", ""));
        Path socket = dir.resolve("docker.sock");
        String host = "unix://" + socket;
        FakeHost fake = new FakeHost();
        fake.daemon = log -> List.of("sh", "-c", "sleep 1; ln -s '" + realSocket + "' '" + socket + "'; sleep 30");
        List<String> progress = new ArrayList<>();
        try {
            DockerBootstrap.Result result = new DockerBootstrap(fake, progress::add, host, Duration.ofSeconds(30),
                    dir.resolve("dockerd.log")).ensure(host, true);
            try (var client = result.connected().client()) {
                assertThat(result.installed()).isTrue();
                assertThat(result.started()).isTrue();
                assertThat(result.connected().serverVersion()).isNotBlank();
                assertThat(client.pingCmd().exec()).isNull();
            }
            assertThat(fake.ran).containsExactly(AptGet.argv("update"), AptGet.argv("install", "-y", "docker.io"));
            assertThat(fake.started).containsExactly(List.of("/usr/bin/setsid", "/usr/sbin/dockerd"));
            assertThat(progress).anySatisfy(line -> assertThat(line).contains("installing docker.io"))
                    .anySatisfy(line -> assertThat(line).contains("answers at " + host));
            assertThat(Files.isSymbolicLink(socket)).isTrue();
        } finally {
            fake.stopAll();
        }
    }

    @Test
    void whenOurDaemonLosesARaceWithOneThePackageStartedThatOneIsUsed(@TempDir Path dir) throws Exception {
        Path realSocket = Path.of(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST")).replaceFirst("^unix://", ""));
        Path socket = dir.resolve("docker.sock");
        String host = "unix://" + socket;
        FakeHost fake = new FakeHost();
        fake.dockerdInstalled = true;
        fake.daemon = log -> List.of("sh", "-c", "echo 'pid file found, ensure docker is not running'; exit 1");
        Thread otherDaemon = new Thread(() -> {
            try {
                Thread.sleep(1500);
                Files.createSymbolicLink(socket, realSocket);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        otherDaemon.start();
        try {
            DockerBootstrap.Result result = new DockerBootstrap(fake, line -> { }, host, Duration.ofSeconds(60),
                    dir.resolve("dockerd.log")).ensure(host, true);
            result.connected().client().close();
            assertThat(result.started()).isTrue();
            assertThat(result.installed()).isFalse();
        } finally {
            otherDaemon.join();
            fake.stopAll();
        }
    }
}
