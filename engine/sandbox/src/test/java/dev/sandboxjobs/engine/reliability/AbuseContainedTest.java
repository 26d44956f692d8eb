package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile code inside a sandbox stays inside it: limits stop it, the engine and other sandboxes keep
 * answering. Covered elsewhere and referenced in RELIABILITY.md: 1 GiB of output
 * (SandboxCommandsTest.aGibibyteThroughOnOutputDoesNotGrowTheHeap), SIGTERM ignored
 * (SandboxProcessesTest.aProcessIgnoringSigtermIsKilledAfterTheGracePeriod), a never-ending command
 * (SandboxCommandsTest.aTimeoutKillsTheCommandTreeAndLeavesTheSessionUsable).
 */
@RequiresDocker
@Tag("reliability")
class AbuseContainedTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox bystander;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        bystander = engine.getSandbox("abuse-bystander");
        assertThat(bystander.exec("echo ready").stdout()).isEqualTo("ready\n");
    }

    @AfterAll
    static void stop() {
        if (bystander != null) {
            bystander.destroy();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private static void bystanderAnswers() {
        assertThat(bystander.exec("echo alive", ExecOptions.builder().timeout(Duration.ofSeconds(60)).build()).stdout())
                .isEqualTo("alive\n");
        assertThat(engine.listSandboxes()).isNotEmpty();
    }

    @Test
    void aForkBombIsStoppedByThePidsLimitWhileTheEngineAndAnotherSandboxKeepAnswering() throws Exception {
        Sandbox sb = engine.getSandbox("abuse-fork", SandboxOptions.builder().pidsLimit(64).build());
        try {
            CompletableFuture<Throwable> bomb = CompletableFuture.supplyAsync(() -> {
                try {
                    sb.exec("bomb() { bomb | bomb & }; bomb; sleep 600",
                            ExecOptions.builder().timeout(Duration.ofSeconds(8)).build());
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(3000);
            bystanderAnswers();
            Throwable t = bomb.get(5, TimeUnit.MINUTES);
            assertThat(t).isInstanceOf(SandboxException.class);
            assertThat(((SandboxException) t).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT);
            assertThat(sb.exec("echo recovered", ExecOptions.builder().timeout(Duration.ofSeconds(60)).build()).stdout())
                    .isEqualTo("recovered\n");
            assertThat(sb.exec("cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max").stdout().trim())
                    .isEqualTo("64");
            bystanderAnswers();
        } finally {
            sb.destroy();
        }
    }

    @Test
    void aMemoryBombIsOomKilledAndReportedAsSuch() {
        Sandbox sb = engine.getSandbox("abuse-memory", SandboxOptions.builder().memoryBytes(128L << 20).build());
        try {
            ExecResult r = sb.exec("head -c 2G /dev/zero | tail > /dev/null");
            assertThat(r.exitCode()).isEqualTo(137);
            assertThat(r.oomKilled()).isTrue();
            assertThat(r.stderr()).endsWith(ExecResult.OOM_KILLED_NOTE);
            // the same for a program run from its argv
            ExecResult argv = sb.exec(List.of("bash", "-c", "head -c 2G /dev/zero | tail > /dev/null"));
            assertThat(argv.exitCode()).isEqualTo(137);
            assertThat(argv.oomKilled()).isTrue();
            // a SIGKILL that is not the OOM killer's is not reported as one
            ExecResult killed = sb.exec("bash -c 'kill -9 $$'");
            assertThat(killed.exitCode()).isEqualTo(137);
            assertThat(killed.oomKilled()).isFalse();
            assertThat(sb.exec("echo still usable").stdout()).isEqualTo("still usable\n");
            bystanderAnswers();
        } finally {
            sb.destroy();
        }
    }

    @Test
    void aCpuHogDoesNotStopAnotherSandboxFromAnswering() {
        Sandbox sb = engine.getSandbox("abuse-cpu", SandboxOptions.builder().cpus(0.5).build());
        try {
            sb.startProcess("for i in 1 2 3 4; do (while :; do :; done) & done; wait");
            for (int i = 0; i < 5; i++) {
                bystanderAnswers();
            }
            assertThat(sb.exec("echo responsive", ExecOptions.builder().timeout(Duration.ofSeconds(60)).build()).stdout())
                    .isEqualTo("responsive\n");
            assertThat(sb.killAllProcesses()).isGreaterThanOrEqualTo(1);
        } finally {
            sb.destroy();
        }
    }

    @Test
    void theDockerSocketAndTheHostFilesystemAreOutOfReach() throws Exception {
        Path hostFile = Files.writeString(dir.resolve("host-only-" + UUID.randomUUID() + ".txt"), "host secret");
        Sandbox sb = engine.getSandbox("abuse-escape");
        try {
            assertThat(sb.exec("test -e /var/run/docker.sock || test -e /run/docker.sock").exitCode()).isNotZero();
            assertThat(sb.exec("find / -xdev -name '*docker.sock*' 2>/dev/null | wc -l").stdout().trim()).isEqualTo("0");
            assertThat(sb.exec(List.of("find", "/", "-name", hostFile.getFileName().toString())).stdout()).isEmpty();
            assertThat(sb.exec("test -e /proc/1/root" + hostFile).exitCode()).isNotZero();
            // no capability that reaches the host: mounting, device nodes and chroot are refused, even as root
            long caps = Long.parseLong(sb.exec("grep CapEff /proc/self/status").stdout().replaceAll("(?s).*:\\s*", "").trim(), 16);
            for (int cap : new int[] {12, 16, 17, 18, 19, 21, 25, 27}) { // NET_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_CHROOT, SYS_PTRACE, SYS_ADMIN, SYS_TIME, MKNOD
                assertThat(caps & (1L << cap)).as("capability %d", cap).isZero();
            }
            assertThat(sb.exec("mkdir -p /tmp/m && mount -t tmpfs none /tmp/m").exitCode()).isNotZero();
            assertThat(sb.exec("mount -t proc proc /tmp/m").exitCode()).isNotZero();
            assertThat(sb.exec("mknod /tmp/sda b 8 0").exitCode()).isNotZero();
            assertThat(sb.exec("chroot / true").exitCode()).isNotZero();
            // the files the sandbox can see are its own: its writes do not land on the host
            sb.writeFile("/tmp/inside.txt", "inside");
            assertThat(Files.exists(Path.of("/tmp/inside.txt")) && Files.readString(Path.of("/tmp/inside.txt")).equals("inside"))
                    .isFalse();
        } finally {
            sb.destroy();
        }
    }

    @Test
    void aNeverEndingCommandTimesOutAndTheSandboxStaysUsable() {
        Sandbox sb = engine.getSandbox("abuse-forever");
        try {
            assertThatThrownBy(() -> sb.exec("while :; do sleep 1; done", ExecOptions.builder().timeout(Duration.ofSeconds(1)).build()))
                    .isInstanceOf(SandboxException.class)
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
            assertThatThrownBy(() -> sb.exec(List.of("sleep", "infinity"), ExecOptions.builder().timeout(Duration.ofSeconds(1)).build()))
                    .isInstanceOf(SandboxException.class)
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
            assertThat(sb.exec("echo usable").stdout()).isEqualTo("usable\n");
        } finally {
            sb.destroy();
        }
    }
}
