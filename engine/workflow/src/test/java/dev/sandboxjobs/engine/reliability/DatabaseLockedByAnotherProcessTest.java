package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another process on the database at start: another engine JVM running jobs on the same data
 * directory (they share it), and a foreign process holding an exclusive SQLite lock on the file.
 */
@RequiresDocker
@Tag("reliability")
class DatabaseLockedByAnotherProcessTest {
    @TempDir
    Path dir;

    @Test
    void anotherEngineProcessRunningJobsOnTheSameDatabaseSharesItAndIsSeenAsAWorker() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path ready = dir.resolve("ready");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("sandboxjobs.test.image") != null) {
            command.add("-Dsandboxjobs.test.image=" + System.getProperty("sandboxjobs.test.image"));
        }
        command.addAll(List.of(DatabaseHolderChild.class.getName(), data.toString(), ready.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.exists(ready)).as("child started: %s", Files.readString(dir.resolve("child.log"))).isTrue();
            // several engines share a SQLite file: this one runs jobs beside the child's
            try (SandboxEngine engine = TestEngines.create(data); JobEngine jobEngine = JobEngine.over(engine)) {
                assertThat(jobEngine.workerPid()).hasValue(child.pid());
                JobsWorker jobs = jobEngine.worker();
                jobs.register(Workflow.named("beside").step(Step.of("s", ctx -> StepResult.success("ok"))).build());
                jobs.start();
                assertThat(jobs.await(jobs.submit(RunRequest.of("beside").build()).id(), Duration.ofMinutes(1)).state())
                        .isEqualTo(RunState.SUCCEEDED);
                assertThat(engine.listSandboxes()).isEmpty();
            }
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // a killed engine is no longer counted as a worker, and the database is sound
            try (SandboxEngine engine = TestEngines.create(data); JobEngine jobEngine = JobEngine.over(engine)) {
                assertThat(jobEngine.workerPid()).isEmpty();
                assertThat(engine.database().integrityCheck()).isEqualTo("ok");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aForeignProcessHoldingAnExclusiveSqliteLockGivesATypedErrorAndTheEngineWorksOnceItLetsGo() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path db;
        try (SandboxEngine engine = TestEngines.create(data)) {
            db = Path.of(engine.database().location());
        }
        // python3's sqlite3 module: BEGIN EXCLUSIVE, then wait for a line on stdin
        Process holder = new ProcessBuilder("python3", "-c", String.join("\n",
                "import sqlite3, sys",
                "c = sqlite3.connect(sys.argv[1], isolation_level=None)",
                "c.execute('BEGIN EXCLUSIVE')",
                "print('locked', flush=True)",
                "sys.stdin.readline()",
                "c.execute('COMMIT')"), db.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            Throwable failure = null;
            try (SandboxEngine engine = TestEngines.create(data); JobEngine jobEngine = JobEngine.over(engine)) {
                jobEngine.worker().start();
            } catch (Throwable t) {
                failure = t;
            }
            System.out.println("RELIABILITY exclusive SQLite lock held by another process: " + failure);
            assertThat(failure).as("starting against a database another process locks exclusively")
                    .isInstanceOf(SandboxJobsException.class);
            // locked while opening the sandbox engine (the SDK's code) or the job engine (the job side's)
            assertThat(((SandboxJobsException) failure).code().name()).isIn("DATABASE_LOCKED");
        } finally {
            holder.getOutputStream().write('\n');
            holder.getOutputStream().flush();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (SandboxEngine engine = TestEngines.create(data); JobEngine jobEngine = JobEngine.over(engine)) {
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("after-lock").step(Step.of("s", ctx -> StepResult.success("ok"))).build());
            jobs.start();
            assertThat(jobs.await(jobs.submit(RunRequest.of("after-lock").build()).id(), Duration.ofMinutes(1)).state())
                    .isEqualTo(RunState.SUCCEEDED);
            assertThat(engine.database().integrityCheck()).isEqualTo("ok");
        }
    }
}
