package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.engine.workflow.internal.JobEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SandboxEngine#openJobsClient(Path)}: a jobs client on a SQLite file, with no Docker at all. */
class OpenJobsClientTest {
    @TempDir
    Path dir;

    private static Workflow quick() {
        return Workflow.named("quick").step(Step.of("s", ctx -> StepResult.success("done"))).build();
    }

    @Test
    void aClientOnTheDatabaseFileAloneSubmitsARunThatTheEngineHoldingTheFileExecutes() throws Exception {
        Path db = dir.resolve("jobs.db");
        assertThat(SandboxEngine.jobsWorkerPid(db)).isEmpty();
        try (JobEngine worker = JobEngine.openSqlite(db, Clock.systemUTC(), new ObjectMapper(), JobsOptions.defaults(), null);
             Jobs client = SandboxEngine.openJobsClient(db)) {
            worker.register(quick());
            client.register(quick());
            worker.start();
            assertThat(SandboxEngine.jobsWorkerPid(db)).contains(ProcessHandle.current().pid());

            Run run = client.submit(RunRequest.of("quick").build());
            Run done = client.await(run.id(), Duration.ofSeconds(15));

            assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(client.get(run.id()).result().asText()).isEqualTo("done");
        }
    }

    @Test
    void aClientCannotStartAndADatabaseThatCannotBeOpenedIsDatabaseUnavailable() throws Exception {
        try (Jobs client = SandboxEngine.openJobsClient(dir.resolve("jobs.db"))) {
            assertThatThrownBy(client::start).isInstanceOf(SandboxException.class)
                    .extracting(e -> ((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> SandboxEngine.openJobsClient(file.resolve("jobs.db")))
                .isInstanceOf(SandboxException.class)
                .extracting(e -> ((SandboxException) e).code()).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
    }
}
