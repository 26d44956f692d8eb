package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SandboxListener}s on a real engine and Docker. */
@RequiresDocker
class SandboxListenersTest {
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

    /** Writes down every event it is told about. */
    static final class Recorder implements SandboxListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ExecSummary> execs = new CopyOnWriteArrayList<>();

        @Override
        public void onSandboxCreated(SandboxInfo sandbox) {
            events.add("created " + sandbox.id());
        }

        @Override
        public void onSandboxDestroyed(String sandboxId) {
            events.add("destroyed " + sandboxId);
        }

        @Override
        public void onExecFinished(ExecSummary exec) {
            events.add("exec " + exec.sandboxId() + " " + exec.outcome());
            execs.add(exec);
        }

        @Override
        public void onOrphanReaped(String containerId, String sandboxId) {
            events.add("orphan " + containerId + " " + sandboxId);
        }
    }

    /** Fails in every callback. */
    static final class Throwing implements SandboxListener {
        @Override
        public void onSandboxCreated(SandboxInfo sandbox) {
            throw new IllegalStateException("listener bug: created");
        }

        @Override
        public void onSandboxDestroyed(String sandboxId) {
            throw new IllegalStateException("listener bug: destroyed");
        }

        @Override
        public void onExecFinished(ExecSummary exec) {
            throw new IllegalStateException("listener bug: exec");
        }

        @Override
        public void onOrphanReaped(String containerId, String sandboxId) {
            throw new IllegalStateException("listener bug: orphan");
        }
    }

    @Test
    void creationCommandsAndDestructionAreReportedEvenBehindAListenerThatThrows() {
        Recorder recorder = new Recorder();
        try (SandboxEngine engine = TestEngines.create(dir)) {
            engine.addListener(new Throwing());
            engine.addListener(recorder);
            Sandbox sb = engine.getSandbox("heard");
            try {
                engine.getSandbox("heard");
                assertThat(recorder.events).containsExactly("created heard");

                ExecResult ok = sb.exec("echo hi");
                assertThat(ok.stdout()).isEqualTo("hi\n");
                assertThat(sb.exec("exit 3").exitCode()).isEqualTo(3);
                assertThat(sb.exec(List.of("false")).exitCode()).isEqualTo(1);
                assertThatThrownBy(() -> sb.exec("sleep 30", ExecOptions.builder().timeout(Duration.ofMillis(300)).build()))
                        .isInstanceOfSatisfying(SandboxException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
                assertThatThrownBy(() -> sb.exec((String) null)).isInstanceOf(SandboxException.class);
                sb.createSession(SessionOptions.builder().id("other").build()).exec("true");

                assertThat(recorder.execs).extracting(ExecSummary::outcome).containsExactly(
                        ExecSummary.Outcome.SUCCESS, ExecSummary.Outcome.FAILURE, ExecSummary.Outcome.FAILURE,
                        ExecSummary.Outcome.TIMEOUT, ExecSummary.Outcome.SUCCESS);
                assertThat(recorder.execs).extracting(ExecSummary::exitCode).containsExactly(0, 3, 1, -1, 0);
                assertThat(recorder.execs).extracting(ExecSummary::sandboxId).containsOnly("heard");
                assertThat(recorder.execs.get(0).sessionId()).isEqualTo("default");
                assertThat(recorder.execs.get(4).sessionId()).isEqualTo("other");
                assertThat(recorder.execs.get(3).error()).isEqualTo(ErrorCode.COMMAND_TIMEOUT);
                assertThat(recorder.execs.get(0).error()).isNull();
                assertThat(recorder.execs.get(3).duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                assertThat(sb.exec("echo still").stdout()).as("the sandbox works after the throwing listener").isEqualTo("still\n");
            } finally {
                sb.destroy();
            }
            assertThat(recorder.events).endsWith("destroyed heard");
            assertThat(engine.destroySandbox("heard")).isFalse();
            assertThat(recorder.events.stream().filter(e -> e.startsWith("destroyed"))).hasSize(1);

            assertThat(engine.removeListener(recorder)).isTrue();
            assertThat(engine.removeListener(recorder)).isFalse();
            int before = recorder.events.size();
            Sandbox unheard = engine.getSandbox("unheard");
            try {
                unheard.exec("true");
            } finally {
                unheard.destroy();
            }
            assertThat(recorder.events).hasSize(before);
        }
    }

    @Test
    void destroyingBySandboxIdIsReported() {
        Recorder recorder = new Recorder();
        try (SandboxEngine engine = TestEngines.create(dir)) {
            engine.addListener(recorder);
            engine.getSandbox("by-id");
            assertThat(engine.destroySandbox("by-id")).isTrue();
            assertThat(recorder.events).containsExactly("created by-id", "destroyed by-id");
        }
    }

    @Test
    void orphansReapedPeriodicallyAreReportedAndThoseReapedAtStartAreCounted() {
        String engineId;
        Recorder recorder = new Recorder();
        try (SandboxEngine engine = TestEngines.create(dir)) {
            engineId = engine.engineId();
            assertThat(engine.orphansReapedAtStart()).isZero();
            engine.addListener(new Throwing());
            engine.addListener(recorder);
            String orphan = createLabelled(engineId, "ghost");
            assertThat(engine.reapOrphans()).isEqualTo(1);
            assertThat(recorder.events).containsExactly("orphan " + orphan + " ghost");
        }
        createLabelled(engineId, "ghost-at-start");
        try (SandboxEngine engine = TestEngines.create(dir)) {
            assertThat(engine.orphansReapedAtStart()).isEqualTo(1);
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
}
