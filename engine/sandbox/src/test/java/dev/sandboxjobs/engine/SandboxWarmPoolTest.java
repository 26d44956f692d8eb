package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm pool: pre-started containers handed to new sandboxes, which behave like fresh ones. */
@RequiresDocker
class SandboxWarmPoolTest {
    @TempDir Path dir;
    static DockerClient docker;

    @BeforeAll
    static void connect() {
        docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
    }

    @AfterAll
    static void disconnect() throws Exception {
        docker.close();
    }

    SandboxEngine.Builder builder() {
        return TestEngines.builder(dir).image(RuntimeImageForTests.image());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting until " + what);
    }

    static List<String> pooled(SandboxEngine engine) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.ENGINE, engine.engineId(), Labels.POOL, ""))
                .exec().stream().map(Container::getId).toList();
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
    void aSandboxTakenFromThePoolHasItsOwnEnvLabelsSessionsAndFilesAndIsRemovedWithIt() throws Exception {
        SandboxEngine closed;
        try (SandboxEngine engine = builder().warmPool(1).build()) {
            closed = engine;
            await("the pool is warm", () -> engine.warmPoolReady() == 1);
            List<String> waiting = pooled(engine);

            Sandbox sb = engine.getSandbox("pooled", SandboxOptions.builder().env("GREETING", "hello")
                    .secret("TOKEN", Secret.of("s3cret")).label("team", "blue").build());
            String container = sb.info().containerId();
            ExecResult r = sb.exec("echo \"$GREETING $TOKEN\"; pwd");

            assertThat(waiting).contains(container);
            assertThat(r.stdout()).isEqualTo("hello s3cret\n/workspace\n");
            assertThat(sb.info().labels()).containsEntry("team", "blue");
            sb.writeFile("notes.txt", "kept");
            assertThat(sb.readFile("/workspace/notes.txt").content()).isEqualTo("kept");
            sb.setEnvVars(Map.of("GREETING", "bye"));
            assertThat(sb.exec("echo $GREETING").stdout()).isEqualTo("bye\n");
            ExecutionSession other = sb.createSession(SessionOptions.builder().env("ONLY_HERE", "1").build());
            assertThat(other.exec("echo $GREETING-$ONLY_HERE").stdout()).isEqualTo("bye-1\n");
            assertThat(sb.exec("echo x${ONLY_HERE}x").stdout()).isEqualTo("xx\n");

            sb.destroy();
            assertThat(gone(container)).isTrue();
            assertThat(engine.findSandbox("pooled")).isEmpty();
        } // closing while the pool refills: the container being started is removed too
        assertThat(pooled(closed)).isEmpty();
    }

    @Test
    void twoSandboxesFromThePoolShareNoFilesAndNoProcessesAndThePoolRefills() throws Exception {
        try (SandboxEngine engine = builder().warmPool(2).build()) {
            await("the pool is warm", () -> engine.warmPoolReady() == 2);
            Sandbox first = engine.getSandbox("first");
            Sandbox second = engine.getSandbox("second");
            try {
                first.writeFile("/workspace/secret.txt", "first's");
                first.startProcess("sleep 4242");

                assertThat(second.info().containerId()).isNotEqualTo(first.info().containerId());
                assertThat(second.exists("/workspace/secret.txt")).isFalse();
                assertThat(second.exec("ps -eo args").stdout()).doesNotContain("sleep 4242");

                await("the pool refilled", () -> engine.warmPoolReady() == 2);
                assertThat(pooled(engine)).contains(first.info().containerId(), second.info().containerId())
                        .hasSize(4);
            } finally {
                first.destroy();
                second.destroy();
            }
        }
    }

    @Test
    void aBurstLargerThanThePoolGetsContainersThePoolIsStartingSideBySide() throws Exception {
        try (SandboxEngine engine = builder().warmPool(3).build()) {
            await("the pool is warm", () -> engine.warmPoolReady() == 3);
            List<String> warm = pooled(engine);
            List<Sandbox> burst = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    burst.add(engine.getSandbox("burst-" + i));
                }
                List<String> used = burst.stream().map(sb -> sb.info().containerId()).toList();
                List<String> refill = used.subList(3, 6);

                assertThat(used.subList(0, 3)).containsExactlyInAnyOrderElementsOf(warm);
                // the three beyond the pool got the containers it started when the first three left,
                // not containers created for them (those would carry a sandbox label, not the pool's)
                assertThat(pooled(engine)).containsAll(refill);
                assertThat(docker.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Labels.ENGINE, engine.engineId(), Labels.SANDBOX, "")).exec())
                        .as("containers created cold").isEmpty();
                // started side by side: the second and third were created before the first of them started
                List<Instant> created = refill.stream()
                        .map(id -> Instant.parse(docker.inspectContainerCmd(id).exec().getCreated())).toList();
                Instant firstStarted = refill.stream()
                        .map(id -> Instant.parse(docker.inspectContainerCmd(id).exec().getState().getStartedAt()))
                        .min(Comparator.naturalOrder()).orElseThrow();
                assertThat(created).filteredOn(c -> c.isBefore(firstStarted)).hasSizeGreaterThanOrEqualTo(2);
                for (Sandbox sb : burst) {
                    assertThat(sb.exec("echo ok").stdout()).isEqualTo("ok\n");
                }
                await("the pool refilled", () -> engine.warmPoolReady() == 3);
            } finally {
                burst.forEach(Sandbox::destroy);
            }
        }
    }

    @Test
    void aSandboxWithOtherContainerSettingsIsCreatedColdAndLeavesThePoolAlone() throws Exception {
        try (SandboxEngine engine = builder().warmPool(1).build()) {
            await("the pool is warm", () -> engine.warmPoolReady() == 1);
            List<String> waiting = pooled(engine);
            Sandbox sb = engine.getSandbox("other", SandboxOptions.builder().memoryBytes(256L << 20).build());
            try {
                assertThat(waiting).doesNotContain(sb.info().containerId());
                assertThat(sb.exec("echo ok").stdout()).isEqualTo("ok\n");
                assertThat(pooled(engine)).isEqualTo(waiting);
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void closingTheEngineRemovesTheWaitingContainersButASandboxTakenFromThePoolSurvivesARestart() throws Exception {
        String kept;
        List<String> waiting;
        try (SandboxEngine engine = builder().warmPool(1).build()) {
            await("the pool is warm", () -> engine.warmPoolReady() == 1);
            Sandbox sb = engine.getSandbox("survivor", SandboxOptions.builder().keepAlive(true).build());
            sb.writeFile("/workspace/state.txt", "still here");
            kept = sb.info().containerId();
            await("the pool refilled", () -> engine.warmPoolReady() == 1);
            waiting = pooled(engine).stream().filter(id -> !id.equals(kept)).toList();
            assertThat(waiting).hasSize(1);
        }
        assertThat(gone(waiting.get(0))).isTrue();
        assertThat(gone(kept)).isFalse();
        try (SandboxEngine restarted = builder().build()) {
            restarted.reapOrphans();
            Sandbox sb = restarted.getSandbox("survivor");
            assertThat(sb.info().containerId()).isEqualTo(kept);
            assertThat(sb.readFile("/workspace/state.txt").content()).isEqualTo("still here");
            sb.destroy();
            assertThat(gone(kept)).isTrue();
        }
    }

    @Test
    void aPooledContainerLeftByAnEngineProcessThatDiedIsReapedButOneOfALiveProcessIsNot() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process alive = new ProcessBuilder("sleep", "120").start();
        String host = InetAddress.getLocalHost().getHostName();
        String engineId;
        try (SandboxEngine engine = builder().build()) {
            engineId = engine.engineId();
        }
        long aliveStart = alive.info().startInstant().orElseThrow().toEpochMilli();
        String ofDead = createPooled(engineId, host + "/" + dead.pid() + "/" + System.currentTimeMillis());
        String ofAlive = createPooled(engineId, host + "/" + alive.pid() + "/" + aliveStart);
        try (SandboxEngine restarted = builder().build()) {
            assertThat(gone(ofDead)).as("reaped at start").isTrue();
            assertThat(gone(ofAlive)).isFalse();
            alive.destroy();
            alive.waitFor();
            assertThat(restarted.reapOrphans()).isEqualTo(1);
            assertThat(gone(ofAlive)).isTrue();
        } finally {
            alive.destroy();
            for (String id : List.of(ofDead, ofAlive)) {
                if (!gone(id)) {
                    docker.removeContainerCmd(id).withForce(true).exec();
                }
            }
        }
    }

    private static String createPooled(String engineId, String owner) {
        String id = docker.createContainerCmd(RuntimeImageForTests.image())
                .withLabels(Map.of(Labels.ENGINE, engineId, Labels.POOL, owner,
                        "dev.sandboxjobs.owner", "sdk-tests"))
                .withEntrypoint("sleep", "600").exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }
}
