package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.storage.PrivatePostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

@RequiresDocker
class ScaleOutTest {
    @Test
    void twoWorkersOnPostgresqlRunTheRunsAClientSubmits() throws Exception {
        PrivatePostgres pg = PrivatePostgres.shared();
        String db = pg.newDatabaseUrl();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ScaleOut.Worker a = ScaleOut.worker(db, "a", TestImages.runtime(), out);
             ScaleOut.Worker b = ScaleOut.worker(db, "b", TestImages.runtime(), out);
             JobsClient client = JobEngine.openClient(db)) {
            ScaleOut.register(client, "client");
            List<Run> runs = ScaleOut.submit(client, 4, out);
            assertThat(runs).hasSize(4).allSatisfy(r -> assertThat(r.state()).isEqualTo(RunState.SUCCEEDED));
            // a run's state is written before its sandbox is destroyed: wait for the destroy, bounded
            long until = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (!a.sandboxes().listSandboxes().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(a.sandboxes().listSandboxes()).isEmpty();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("worker a running on jdbc:postgresql://", "password=***", "fetch by ")
                .doesNotContain(pg.password());
    }
}
