package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxLifecycleTest {
    static DockerClient docker;
    @TempDir Path dir;

    @BeforeAll
    static void connect() {
        docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
    }

    @AfterAll
    static void disconnect() throws Exception {
        docker.close();
    }

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    static InspectContainerResponse inspect(String containerId) {
        return docker.inspectContainerCmd(containerId).exec();
    }

    static boolean gone(String containerId) {
        try {
            docker.inspectContainerCmd(containerId).exec();
            return false;
        } catch (NotFoundException e) {
            return true;
        }
    }

    @Test
    void aSecondEngineOnTheSameDatabaseFindsTheSandboxWithItsFilesSessionsAndProcesses() {
        String processId;
        try (SandboxEngine first = TestEngines.create(dir)) {
            Sandbox sb = first.getSandbox("persistent", SandboxOptions.builder().label("run", "42").build());
            sb.writeFile("/workspace/kept.txt", "still here");
            ExecutionSession s = sb.createSession(SessionOptions.builder().id("work").env("V", "session-var").build());
            s.exec("mkdir -p /tmp/w && cd /tmp/w");
            sb.setEnvVars(Map.of("SB", "sandbox-var"));
            processId = sb.startProcess("echo from-process; sleep 600").id();
        }
        try (SandboxEngine second = TestEngines.create(dir)) {
            assertThat(second.listSandboxes()).extracting(SandboxInfo::id).contains("persistent");
            assertThat(second.listSandboxes().get(0).labels()).containsEntry("run", "42");
            Sandbox sb = second.getSandbox("persistent");
            try {
                assertThat(sb.readFile("/workspace/kept.txt").content()).isEqualTo("still here");
                assertThat(sb.listSessions()).contains("work");
                assertThat(sb.getSession("work").exec("pwd; echo $V $SB").stdout()).isEqualTo("/tmp/w\nsession-var sandbox-var\n");
                assertThat(sb.getProcess(processId).status()).isEqualTo(ProcessStatus.RUNNING);
                assertThat(sb.getProcessLogs(processId).stdout()).isEqualTo("from-process\n");
                sb.killProcess(processId);
            } finally {
                sb.destroy();
            }
            assertThat(second.findSandbox("persistent")).isEmpty();
        }
    }

    @Test
    void anIdleSandboxSleepsAndWakesTransparentlyWithItsFiles() throws Exception {
        try (SandboxEngine engine = TestEngines.builder(dir).maintenanceInterval(Duration.ofMillis(200)).build()) {
            Sandbox sleepy = engine.getSandbox("sleepy", SandboxOptions.builder().sleepAfter(Duration.ofSeconds(1)).build());
            Sandbox awake = engine.getSandbox("awake", SandboxOptions.builder().sleepAfter(Duration.ofSeconds(1)).keepAlive(true).build());
            try {
                sleepy.writeFile("/workspace/note.txt", "before sleep");
                awake.exec("true");
                assertThat(await(() -> sleepy.info().status() == SandboxStatus.SLEEPING)).isTrue();
                assertThat(inspect(sleepy.info().containerId()).getState().getRunning()).isFalse();
                assertThat(awake.info().status()).isEqualTo(SandboxStatus.RUNNING);
                assertThat(inspect(awake.info().containerId()).getState().getRunning()).isTrue();

                assertThat(sleepy.exec("cat /workspace/note.txt").stdout()).isEqualTo("before sleep");
                assertThat(sleepy.info().status()).isEqualTo(SandboxStatus.RUNNING);
            } finally {
                sleepy.destroy();
                awake.destroy();
            }
        }
    }

    @Test
    void aContainerKilledFromOutsideIsRestartedOnTheNextCallWithItsFiles() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("killed");
            try {
                sb.writeFile("/workspace/f.txt", "survives");
                ProcessInfo p = sb.startProcess("sleep 600");
                docker.killContainerCmd(sb.info().containerId()).exec();
                assertThat(sb.exec("cat /workspace/f.txt").stdout()).isEqualTo("survives");
                assertThat(sb.getProcess(p.id()).status()).isEqualTo(ProcessStatus.KILLED);
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void aCommandRunningWhenTheContainerIsKilledFailsWithSandboxError() throws Exception {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("killed-mid-command");
            try {
                sb.exec("true");
                CompletableFuture<ExecResult> running =
                        CompletableFuture.supplyAsync(() -> sb.exec("echo run >> /workspace/runs; sleep 60"));
                Thread.sleep(500);
                docker.killContainerCmd(sb.info().containerId()).exec();
                assertThatThrownBy(running::get).hasCauseInstanceOf(SandboxException.class)
                        .satisfies(e -> assertThat(((SandboxException) e.getCause()).code()).isEqualTo(ErrorCode.SANDBOX_ERROR));
                assertThat(sb.exec("echo back").stdout()).isEqualTo("back\n");
                // the killed command is reported, never silently run a second time
                assertThat(sb.exec("cat /workspace/runs").stdout()).isEqualTo("run\n");
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void aForkBombTimesOutAndTheSandboxRecovers() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("fork-bomb", SandboxOptions.builder().pidsLimit(64).build());
            try {
                sb.writeFile("/workspace/kept.txt", "kept");
                assertCode(ErrorCode.COMMAND_TIMEOUT, () -> sb.exec("bomb() { bomb | bomb; }; bomb",
                        ExecOptions.builder().timeout(Duration.ofSeconds(2)).build()));
                assertThat(sb.exec("cat /workspace/kept.txt").stdout()).isEqualTo("kept");
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void aContainerRemovedFromOutsideIsReplacedByAnEmptyOne() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("removed");
            try {
                sb.writeFile("/workspace/f.txt", "lost");
                String old = sb.info().containerId();
                docker.removeContainerCmd(old).withForce(true).exec();
                assertThat(sb.exec("echo alive").stdout()).isEqualTo("alive\n");
                assertThat(sb.info().containerId()).isNotEqualTo(old);
                assertThat(sb.exists("/workspace/f.txt")).isFalse();
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void orphanContainersOfThisEngineAreReapedAndOthersAreLeftAlone() throws Exception {
        String orphan;
        String foreign;
        try (SandboxEngine engine = TestEngines.create(dir)) {
            orphan = createLabelled(engine.engineId(), "ghost");
            foreign = createLabelled("another-engine-" + System.nanoTime(), "ghost");
            Sandbox kept = engine.getSandbox("kept");
            try {
                assertThat(engine.reapOrphans()).isEqualTo(1);
                assertThat(gone(orphan)).isTrue();
                assertThat(gone(foreign)).isFalse();
                assertThat(gone(kept.info().containerId())).isFalse();
                // at start-up too
                String another = createLabelled(engine.engineId(), "ghost-2");
                try (SandboxEngine restarted = TestEngines.create(dir)) {
                    assertThat(gone(another)).isTrue();
                    assertThat(gone(kept.info().containerId())).isFalse();
                }
            } finally {
                kept.destroy();
                docker.removeContainerCmd(foreign).withForce(true).exec();
            }
        }
    }

    private static String createLabelled(String engineId, String sandboxId) {
        String id = docker.createContainerCmd(TestImages.runtime())
                .withLabels(Map.of(Labels.ENGINE, engineId, Labels.SANDBOX, sandboxId,
                        "dev.sandboxjobs.owner", "sdk-tests"))
                .withEntrypoint("sleep", "600").exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    @Test
    void containersRunWithoutPrivilegesAndWithLimits() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("locked", SandboxOptions.builder().network(NetworkMode.NONE).pidsLimit(256).cpus(0.5).build());
            try {
                InspectContainerResponse c = inspect(sb.info().containerId());
                assertThat(c.getHostConfig().getPrivileged()).isFalse();
                assertThat(c.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
                assertThat(Arrays.asList(c.getHostConfig().getCapDrop())).contains(Capability.ALL);
                assertThat(c.getHostConfig().getPidsLimit()).isEqualTo(256L);
                assertThat(c.getHostConfig().getMemory()).isEqualTo(512L << 20);
                assertThat(c.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
                assertThat(c.getHostConfig().getInit()).isTrue();
                assertThat(c.getHostConfig().getNetworkMode()).isEqualTo("none");
                assertThat(c.getMounts()).noneMatch(m -> String.valueOf(m.getSource()).contains("docker.sock"));
                assertThat(c.getConfig().getLabels()).containsEntry(Labels.ENGINE, engine.engineId())
                        .containsEntry(Labels.SANDBOX, "locked")
                        .containsEntry("dev.sandboxjobs.owner", "sdk-tests");
                assertThat(sb.exec("cat /proc/self/status | grep NoNewPrivs").stdout()).contains("1");
                assertThat(sb.exec("ip link 2>/dev/null | grep -c eth0 || ls /sys/class/net").stdout()).doesNotContain("eth0");
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void destroyRemovesTheContainerAndTheHandleStopsWorking() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("doomed");
            String container = sb.info().containerId();
            sb.destroy();
            sb.destroy();
            assertThat(gone(container)).isTrue();
            assertThat(engine.listSandboxes()).extracting(SandboxInfo::id).doesNotContain("doomed");
            assertCode(ErrorCode.SANDBOX_DESTROYED, () -> sb.exec("true"));
            assertThat(engine.destroySandbox("doomed")).isFalse();
        }
    }

    @Test
    void aSandboxDestroyedByAnotherEngineIsSandboxNotFound() {
        try (SandboxEngine first = TestEngines.create(dir); SandboxEngine second = TestEngines.create(dir)) {
            Sandbox sb = first.getSandbox("shared");
            sb.exec("true");
            assertThat(second.destroySandbox("shared")).isTrue();
            assertCode(ErrorCode.SANDBOX_NOT_FOUND, () -> sb.exec("true"));
        }
    }

    @Test
    void aSandboxOlderThanItsMaximumLifetimeIsDestroyed() throws Exception {
        try (SandboxEngine engine = TestEngines.builder(dir).maintenanceInterval(Duration.ofMillis(200)).build()) {
            // long enough for sb.info() below to run first on a loaded machine, well within await's 20 s;
            // no network: a proxied sandbox's start (its network and firewall rules) adds to that under load
            Sandbox sb = engine.getSandbox("ephemeral", SandboxOptions.builder().maxLifetime(Duration.ofSeconds(5))
                    .network(NetworkMode.NONE).build());
            String container = sb.info().containerId();
            assertThat(await(() -> engine.listSandboxes().stream().noneMatch(i -> i.id().equals("ephemeral")))).isTrue();
            assertThat(gone(container)).isTrue();
            assertCode(ErrorCode.SANDBOX_DESTROYED, () -> sb.exec("true"));
        }
    }

    @Test
    void closedHandlesAndEnginesSaySo() {
        SandboxEngine engine = TestEngines.create(dir);
        Sandbox sb = engine.getSandbox("closing");
        sb.close();
        sb.close();
        assertCode(ErrorCode.CLOSED, () -> sb.exec("true"));
        Sandbox again = engine.getSandbox("closing");
        assertThat(again.exec("echo open").stdout()).isEqualTo("open\n");
        again.destroy();
        engine.close();
        engine.close();
        assertCode(ErrorCode.CLOSED, () -> engine.getSandbox("closing"));
    }

    @Test
    void anUnreachableDockerIsDockerUnavailableNamingWhereItLooked() {
        assertThatThrownBy(() -> SandboxEngine.builder().dataDirectory(dir).dockerHost("unix:///tmp/no-docker-here.sock").build())
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE))
                .hasMessageContaining("unix:///tmp/no-docker-here.sock");
    }

    @Test
    void aMissingImageIsImageMissingWithAHintToRunSetup() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            assertThatThrownBy(() -> engine.getSandbox("no-image", SandboxOptions.builder().image("sandbox-jobs/no-such-image:0").build()))
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.IMAGE_MISSING))
                    .hasMessageContaining("./sandbox-jobs setup");
            assertThat(engine.listSandboxes()).extracting(SandboxInfo::id).doesNotContain("no-image");
        }
    }

    @Test
    void badSandboxIdsAreInvalidArgument() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            assertCode(ErrorCode.INVALID_ARGUMENT, () -> engine.getSandbox(" "));
            assertCode(ErrorCode.INVALID_ARGUMENT, () -> engine.getSandbox("a\nb"));
        }
    }

    @Test
    void aSharedDatabaseStaysOpenWhenTheEngineCloses() {
        try (Database db = Database.openSqlite(dir.resolve("shared.db"))) {
            String engineId;
            try (SandboxEngine engine = TestEngines.builder(dir).database(db).build()) {
                assertThat(engine.database()).isSameAs(db);
                engineId = engine.engineId();
            }
            assertThat(db.integrityCheck()).isEqualTo("ok");
            try (SandboxEngine again = TestEngines.builder(dir).database(db).build()) {
                assertThat(again.engineId()).isEqualTo(engineId);
            }
        }
    }

    @Test
    void theDefaultImageCarriesTheProjectVersion() {
        assertThat(SandboxEngine.defaultImage()).isEqualTo("sandbox-jobs/runtime:0.1.0-SNAPSHOT");
    }
}
