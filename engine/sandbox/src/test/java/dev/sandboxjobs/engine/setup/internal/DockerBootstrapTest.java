package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Install and start paths against a fake host and a socket where nothing answers. */
class DockerBootstrapTest {
    @TempDir
    Path dir;

    final FakeHost host = new FakeHost();
    final List<String> progress = new ArrayList<>();

    @AfterEach
    void stopFakeDaemons() {
        host.stopAll();
    }

    private String socket() {
        return "unix://" + dir.resolve("docker.sock");
    }

    private DockerBootstrap bootstrap(Duration startLimit) {
        return new DockerBootstrap(host, progress::add, socket(), startLimit, dir.resolve("dockerd.log"));
    }

    private static void assertUnavailable(Throwable e) {
        assertThat(e).isInstanceOf(SandboxException.class);
        assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE);
    }

    @Test
    void aNonRootUserGetsTheMessageAndNothingRuns() {
        host.root = false;
        assertThatThrownBy(() -> bootstrap(Duration.ofSeconds(1)).ensure(socket(), true))
                .satisfies(DockerBootstrapTest::assertUnavailable).hasMessageContaining("sudo ./sandbox-jobs setup");
        assertThat(host.ran).isEmpty();
        assertThat(host.started).isEmpty();
    }

    @Test
    void aFailingAptGetStopsWithItsExitCodeAndLastLines() {
        String install = String.join(" ", AptGet.argv("install", "-y", "docker.io"));
        host.exitCodes.put(install, 100);
        assertThatThrownBy(() -> bootstrap(Duration.ofSeconds(1)).ensure(socket(), true))
                .satisfies(DockerBootstrapTest::assertUnavailable)
                .hasMessageContaining(install).hasMessageContaining("exit code 100")
                .hasMessageContaining("(fake) " + install);
        assertThat(host.ran).containsExactly(AptGet.argv("update"), AptGet.argv("install", "-y", "docker.io"));
        assertThat(host.environments).allSatisfy(env -> assertThat(env).containsEntry("DEBIAN_FRONTEND", "noninteractive"));
        assertThat(host.started).isEmpty();
    }

    @Test
    void aDaemonThatDiesAtOnceIsReportedWithItsLog() {
        host.dockerdInstalled = true;
        host.daemon = log -> List.of("sh", "-c", "echo 'failed to start daemon: boom'; exit 1");
        assertThatThrownBy(() -> bootstrap(Duration.ofSeconds(20)).ensure(socket(), true))
                .satisfies(DockerBootstrapTest::assertUnavailable)
                .hasMessageContaining("dockerd exited with code 1").hasMessageContaining("boom");
        assertThat(host.ran).isEmpty();
        assertThat(host.started).containsExactly(List.of("/usr/bin/setsid", "/usr/sbin/dockerd"));
    }

    @Test
    void aDaemonThatNeverAnswersIsGivenUpOnAfterTheLimit() {
        host.dockerdInstalled = true;
        assertThatThrownBy(() -> bootstrap(Duration.ofSeconds(1)).ensure(socket(), true))
                .satisfies(DockerBootstrapTest::assertUnavailable)
                .hasMessageContaining("did not answer").hasMessageContaining("within 1 s");
    }
}
