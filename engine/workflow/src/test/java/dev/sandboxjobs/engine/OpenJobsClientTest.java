package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.engine.workflow.internal.RealJobsWorker;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JobEngine#openClient(Path)}: a jobs client on a SQLite file, with no Docker at all. */
class OpenJobsClientTest {
    @TempDir
    Path dir;

    private static Workflow quick() {
        return Workflow.named("quick").step(Step.of("s", ctx -> StepResult.success("done"))).build();
    }

    @Test
    void aClientOnTheDatabaseFileAloneSubmitsARunThatTheEngineHoldingTheFileExecutes() throws Exception {
        Path db = dir.resolve("jobs.db");
        assertThat(JobEngine.workerPid(db)).isEmpty();
        try (RealJobsWorker worker = RealJobsWorker.openSqlite(db, Clock.systemUTC(), new ObjectMapper(),
                JobsOptions.defaults(), null);
             JobsClient client = JobEngine.openClient(db)) {
            worker.register(quick());
            client.register(quick());
            worker.start();
            assertThat(JobEngine.workerPid(db)).contains(ProcessHandle.current().pid());

            Run run = client.submit(RunRequest.of("quick").build());
            Run done = client.await(run.id(), Duration.ofSeconds(15));

            assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(client.get(run.id()).result().asText()).isEqualTo("done");
        }
    }

    @Test
    void aClientCannotStartAndADatabaseThatCannotBeOpenedIsDatabaseUnavailable() throws Exception {
        // a client has no start(): starting one is a compile error now, not INVALID_ARGUMENT at run time
        try (JobsClient client = JobEngine.openClient(dir.resolve("jobs.db"))) {
            assertThat(JobsClient.class.getMethods()).extracting(Method::getName).doesNotContain("start", "shutdown");
            assertThat(client).isNotInstanceOf(JobsWorker.class);
        }
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> JobEngine.openClient(file.resolve("jobs.db")))
                .isInstanceOf(JobException.class)
                .extracting(e -> ((JobException) e).code()).isEqualTo(JobErrorCode.DATABASE_UNAVAILABLE);
    }
}
