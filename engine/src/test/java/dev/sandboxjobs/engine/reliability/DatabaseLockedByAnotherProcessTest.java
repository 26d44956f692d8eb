package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.Jobs;
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
 * The database locked by another process at start: another engine JVM running jobs on the same
 * data directory, and a foreign process holding an exclusive SQLite lock on the database file.
 */
@RequiresDocker
@Tag("reliability")
class DatabaseLockedByAnotherProcessTest {
    @TempDir
    Path dir;

    @Test
    void anotherEngineProcessRunningJobsMakesStartingJobsDatabaseLockedNamingItsPidUntilItDies() throws Exception {
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
            try (SandboxEngine engine = TestEngines.create(data)) {
                assertThatThrownBy(engine::jobs).isInstanceOfSatisfying(SandboxException.class, e -> {
                    System.out.println("RELIABILITY locked by another engine: " + e.getMessage());
                    assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_LOCKED);
                    assertThat(e.getMessage()).contains("pid " + child.pid());
                });
                // the sandbox side of the same engine is not locked out
                assertThat(engine.listSandboxes()).isEmpty();
            }
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // the lock dies with its process: the next engine runs jobs
            try (SandboxEngine engine = TestEngines.create(data)) {
                Jobs jobs = engine.jobs();
                jobs.register(Workflow.named("after-lock").step(Step.of("s", ctx -> StepResult.success("ok"))).build());
                jobs.start();
                assertThat(jobs.await(jobs.submit(RunRequest.of("after-lock").build()).id(), Duration.ofMinutes(1)).state())
                        .isEqualTo(RunState.SUCCEEDED);
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
            try (SandboxEngine engine = TestEngines.create(data)) {
                engine.jobs().start();
            } catch (Throwable t) {
                failure = t;
            }
            System.out.println("RELIABILITY exclusive SQLite lock held by another process: " + failure);
            assertThat(failure).as("starting against a database another process locks exclusively")
                    .isInstanceOf(SandboxException.class);
            assertThat(((SandboxException) failure).code()).isIn(ErrorCode.DATABASE_LOCKED);
        } finally {
            holder.getOutputStream().write('\n');
            holder.getOutputStream().flush();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (SandboxEngine engine = TestEngines.create(data)) {
            Jobs jobs = engine.jobs();
            jobs.register(Workflow.named("after-lock").step(Step.of("s", ctx -> StepResult.success("ok"))).build());
            jobs.start();
            assertThat(jobs.await(jobs.submit(RunRequest.of("after-lock").build()).id(), Duration.ofMinutes(1)).state())
                    .isEqualTo(RunState.SUCCEEDED);
            assertThat(engine.database().integrityCheck()).isEqualTo("ok");
        }
    }
}
