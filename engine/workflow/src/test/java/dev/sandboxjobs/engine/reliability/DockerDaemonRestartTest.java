package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RetryPolicy;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker daemon restarted mid-run. The shared daemon is never restarted: the test starts a
 * private second dockerd ({@link PrivateDockerd}), copies the small base image into it and points
 * an engine at it. Under {@code CI=true} a daemon that cannot start fails the test.
 */
@RequiresDocker
@Tag("reliability")
class DockerDaemonRestartTest {
    /** The Debian base every image is built from: has bash and coreutils, which is all the engine needs. */
    static final String IMAGE = "sandbox-jobs/debian-base:trixie";

    static PrivateDockerd daemon;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPrivateDaemon() throws Exception {
        String reason = PrivateDockerd.unavailableReason();
        boolean ci = "true".equals(System.getenv("CI"));
        if (reason != null) {
            assertThat(ci).as("CI=true: a private dockerd must be able to run: " + reason).isFalse();
            Assumptions.abort("SKIPPED: a private dockerd cannot run here: " + reason);
        }
        daemon = PrivateDockerd.start();
        daemon.loadImage(IMAGE);
    }

    @AfterAll
    static void stopPrivateDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    private SandboxEngine engine(Path data) {
        return SandboxEngine.builder().dataDirectory(data).dockerHost(daemon.host).image(IMAGE)
                .prewarmInterpreters().maintenanceInterval(Duration.ofSeconds(30)).build();
    }

    @Test
    void aSandboxAnswersAgainAfterTheDaemonRestartsAndACommandCutByTheRestartIsATypedError() throws Exception {
        try (SandboxEngine engine = engine(dir.resolve("data"))) {
            // the private daemon holds only the base image, which has no iptables for the egress guard: no network
            Sandbox sb = engine.getSandbox("restart-sdk", SandboxOptions.builder().network(NetworkMode.NONE).build());
            assertThat(sb.exec("echo before > /workspace/kept; cat /workspace/kept").stdout()).isEqualTo("before\n");
            CompletableFuture<Object> cut = CompletableFuture.supplyAsync(() -> {
                try {
                    return sb.exec("sleep 30; echo never", ExecOptions.builder().timeout(Duration.ofMinutes(2)).build());
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(2000);
            daemon.restart();
            Object outcome = cut.get(3, TimeUnit.MINUTES);
            System.out.println("RELIABILITY docker restart: the command cut by the restart gave " + outcome);
            if (outcome instanceof ExecResult r) {
                assertThat(r.success()).as("a command cut by the restart does not look successful: %s", r).isFalse();
                assertThat(r.stdout()).doesNotContain("never");
            } else {
                assertThat(outcome).isInstanceOf(SandboxException.class);
                assertThat(((SandboxException) outcome).code()).isIn(ErrorCode.SANDBOX_ERROR, ErrorCode.DOCKER_UNAVAILABLE);
            }
            // the container stopped with the daemon: the sandbox restarts it and its files are kept
            assertThat(sb.exec("cat /workspace/kept").stdout()).isEqualTo("before\n");

            // while the daemon is down: a typed error that says so, quickly enough to be useful
            daemon.stop();
            try {
                assertThatThrownBy(() -> sb.exec("echo down"))
                        .isInstanceOfSatisfying(SandboxException.class, e -> {
                            System.out.println("RELIABILITY docker down: " + e.code() + ": " + e.getMessage());
                            assertThat(e.code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE);
                        });
            } finally {
                daemon.startDaemon();
            }
            assertThat(sb.exec("echo up").stdout()).isEqualTo("up\n");
            sb.destroy();
            assertThat(daemon.containers(Labels.ENGINE + "=" + engine.engineId())).isEmpty();
        }
    }

    @Test
    void sandboxedRunsCutByADaemonRestartAreRetriedAsInfrastructureFaultsAndEndExactlyOnce() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        List<String> ids = new ArrayList<>();
        String engineId;
        try (SandboxEngine engine = engine(dir.resolve("data"));
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .options(JobsOptions.defaults().withMaxConcurrentRuns(3).withReapInterval(Duration.ofSeconds(5)))
                     .build()) {
            engineId = engine.engineId();
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("restart-boxed").sandbox(SandboxSpec.image(IMAGE))
                    .retry(RetryPolicy.attempts(4))
                    .step(Step.of("one", ctx -> {
                        exec(ctx.sandbox(Sandbox.class), "echo one > /workspace/one");
                        mark(work, ctx.runId(), "one");
                        return StepResult.success();
                    }))
                    .step(Step.of("two", ctx -> {
                        mark(work, ctx.runId(), "two-start");
                        exec(ctx.sandbox(Sandbox.class), "sleep 6; test -f /workspace/one");
                        mark(work, ctx.runId(), "two");
                        return StepResult.success();
                    }))
                    .build());
            jobs.start();
            for (int i = 0; i < 3; i++) {
                ids.add(jobs.submit(RunRequest.of("restart-boxed").parameters(Map.of("i", i)).build()).id());
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            for (String id : ids) {
                while (count(work, id, "two-start") == 0) {
                    assertThat(System.nanoTime()).as("run %s reached step two", id).isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            daemon.restart();
            for (String id : ids) {
                Run run = jobs.await(id, Duration.ofMinutes(5));
                System.out.println("RELIABILITY docker restart: run " + id + " " + run.state() + " after "
                        + run.attempt() + " attempt(s); step two started " + count(work, id, "two-start") + " time(s)");
                assertThat(run.state()).as("%s: %s", id, run.failure()).isEqualTo(RunState.SUCCEEDED);
                assertThat(count(work, id, "two")).as("%s completed step two once", id).isEqualTo(1);
            }
            assertThat(engine.database().integrityCheck()).isEqualTo("ok");
            // a sandbox whose destroy failed while the daemon was down is destroyed by the reaper
            long reapDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!engine.listSandboxes().isEmpty() && System.nanoTime() < reapDeadline) {
                Thread.sleep(200);
            }
            assertThat(engine.listSandboxes()).as("no sandbox left").isEmpty();
        }
        assertThat(daemon.containers(Labels.ENGINE + "=" + engineId)).as("no container left").isEmpty();
    }

    private static void exec(Sandbox sb, String command) throws IOException {
        ExecResult r = sb.exec(command);
        if (!r.success()) {
            throw new IOException("'" + command + "' failed: exit " + r.exitCode() + " " + r.stderr());
        }
    }

    private static void mark(Path work, String runId, String what) throws IOException {
        Files.writeString(work.resolve(runId), what + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    private static long count(Path work, String runId, String what) throws IOException {
        Path f = work.resolve(runId);
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(what::equals).count() : 0;
    }
}
