package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk of the data directory full: the data directory is a 16 MiB tmpfs (mounted by the test,
 * as root), filled to the last byte while an engine uses it. Submitting, logging and storing
 * artifacts then fail with a typed error that says the disk is full; nothing crashes; once space
 * returns the database passes PRAGMA integrity_check, every run reaches a final state and new
 * work runs. Under {@code CI=true} the test fails rather than skips when it cannot mount.
 */
@RequiresDocker
@Tag("reliability")
class FullDiskTest {
    @TempDir
    Path dir;

    @Test
    void aFullDataDiskGivesATypedErrorCorruptsNothingAndWorkContinuesWhenSpaceReturns() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            assertThat(System.getenv("CI")).as("CI=true: mounting a tmpfs needs root").isNotEqualTo("true");
            Assumptions.abort("SKIPPED: mounting a tmpfs for the data directory needs root");
        }
        Path data = Files.createDirectories(dir.resolve("data"));
        PrivateDockerd.Result mount = PrivateDockerd.exec(List.of("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs",
                data.toString()), 60);
        assertThat(mount.exit()).as("mount: %s", mount.out()).isZero();
        try {
            run(data);
        } finally {
            PrivateDockerd.Result umount = PrivateDockerd.exec(List.of("umount", data.toString()), 60);
            assertThat(umount.exit()).as("umount: %s", umount.out()).isZero();
        }
    }

    private void run(Path data) throws Exception {
        Path filler = data.resolve("filler");
        List<String> inFlight = new ArrayList<>();
        try (SandboxEngine engine = TestEngines.builder(data).build();
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine)
                     .options(JobsOptions.defaults().withReapInterval(Duration.ofSeconds(2))).build()) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("disk-writer")
                    .step(Step.of("log", ctx -> {
                        for (int i = 0; i < 50; i++) {
                            ctx.log().info("line " + i + " ".repeat(200));
                        }
                        ctx.artifacts().put("blob", new byte[64 << 10]);
                        return StepResult.success();
                    }))
                    .step(Step.of("after", ctx -> StepResult.success("done")))
                    .build());
            Path gate = dir.resolve("gate");
            jobs.register(Workflow.named("gated-writer")
                    .step(Step.of("write", ctx -> {
                        Files.writeString(dir.resolve("started-" + ctx.runId()), "");
                        while (!Files.exists(gate)) {
                            Thread.sleep(50);
                        }
                        for (int i = 0; i < 200; i++) {
                            ctx.log().info("line " + i + " ".repeat(500));
                        }
                        ctx.artifacts().put("blob", new byte[256 << 10]);
                        return StepResult.success();
                    }))
                    .build());
            jobs.start();
            for (int i = 0; i < 3; i++) {
                Run r = jobs.await(jobs.submit(RunRequest.of("disk-writer").build()).id(), Duration.ofMinutes(1));
                assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            }

            for (int i = 0; i < 4; i++) {
                inFlight.add(jobs.submit(RunRequest.of("gated-writer").build()).id());
            }
            for (String id : inFlight) {
                while (!Files.exists(dir.resolve("started-" + id))) {
                    Thread.sleep(50);
                }
            }
            fill(filler);
            // submit until the database cannot grow any more (its WAL may still have room for a few)
            JobException full = null;
            for (int i = 0; i < 2000 && full == null; i++) {
                try {
                    inFlight.add(jobs.submit(RunRequest.of("disk-writer").parameters(Map.of("i", i)).build()).id());
                } catch (JobException e) {
                    full = e;
                }
            }
            assertThat(full).as("submitting on a full disk fails").isNotNull();
            System.out.println("RELIABILITY full disk: submit gave " + full.code() + ": " + full.getMessage());
            assertThat(full.code()).isEqualTo(JobErrorCode.DATABASE_UNAVAILABLE);
            assertThat(full.getMessage()).containsIgnoringCase("full");
            // reads still answer
            assertThat(jobs.list(RunQuery.all()).items()).isNotEmpty();
            Files.writeString(gate, "");
            Thread.sleep(4000);   // runs in flight meet the full disk while logging and storing artifacts
            System.out.println("RELIABILITY full disk: states of the runs in flight on the full disk: " + inFlight.stream()
                    .map(id -> jobs.get(id).state()).toList());

            Files.delete(filler);
            assertThat(engine.database().integrityCheck()).isEqualTo("ok");
            for (String id : inFlight) {
                Run r = jobs.await(id, Duration.ofMinutes(2));
                assertThat(r.state().isFinished()).as("run %s reached a final state: %s", id, r.state()).isTrue();
            }
            Run after = jobs.await(jobs.submit(RunRequest.of("disk-writer").build()).id(), Duration.ofMinutes(1));
            assertThat(after.state()).as("work continues: %s", after.failure()).isEqualTo(RunState.SUCCEEDED);
            System.out.println("RELIABILITY full disk: " + inFlight.size() + " runs in flight or submitted when the disk filled; "
                    + "final states after space returned: " + inFlight.stream().map(id -> jobs.get(id).state())
                    .collect(Collectors.groupingBy(s -> s, Collectors.counting())));
        }
        // a fresh engine opens the database cleanly
        try (SandboxEngine engine = TestEngines.builder(data).build()) {
            assertThat(engine.database().integrityCheck()).isEqualTo("ok");
        }
    }

    /** Writes zeros until the file system says it is full. */
    private static void fill(Path filler) {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException expected) {
            // ENOSPC
        }
        byte[] one = new byte[512];
        for (int i = 0; i < 256; i++) {
            try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
                out.write(one);
            } catch (IOException e) {
                return;
            }
        }
    }
}
