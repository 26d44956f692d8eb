package dev.sandboxjobs.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxListener;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.PrivatePostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code sandbox-jobs.database-url}: the starter in a real Spring Boot application context with its
 * jobs and sandboxes on a real PostgreSQL server (a private one started by the test, from the
 * machine's PostgreSQL packages), running a workflow on real Docker.
 */
@RequiresDocker
class SandboxJobsPostgresTest {
    @TempDir
    Path dataDir;

    @Configuration(proxyBeanMethods = false)
    static class Application {
        @Bean
        Workflow greet() {
            return Workflow.named("greet")
                    .sandbox(SandboxSpec.image(RuntimeImageForTests.image()))
                    .step(Step.of("echo", ctx -> StepResult.success(
                            ctx.sandbox(Sandbox.class).exec("echo hello from postgres").stdout().trim())))
                    .build();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        CreatedSandboxes createdSandboxes() {
            return new CreatedSandboxes();
        }
    }

    /** A {@code SandboxListener} bean: the starter adds it to the engine. */
    static final class CreatedSandboxes implements SandboxListener {
        final List<String> ids = new CopyOnWriteArrayList<>();

        @Override
        public void onSandboxCreated(SandboxInfo sandbox) {
            ids.add(sandbox.id());
        }
    }

    @Test
    void theDatabaseUrlPutsRunsAndSandboxesOnPostgres() throws Exception {
        RuntimeImageForTests.ensure();
        PrivatePostgres postgres = PrivatePostgres.shared();
        String url = postgres.newDatabaseUrl();
        String database = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        AtomicReference<String> runId = new AtomicReference<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SandboxJobsAutoConfiguration.class))
                .withUserConfiguration(Application.class)
                .withPropertyValues(
                        "sandbox-jobs.data-dir=" + dataDir,
                        "sandbox-jobs.database-url=" + url,
                        "sandbox-jobs.defaults.memory=256MB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SandboxEngine engine = context.getBean(SandboxEngine.class);
                    assertThat(engine.databaseLocation()).startsWith("jdbc:postgresql://")
                            .doesNotContain(postgres.password());

                    JobsClient jobs = context.getBean(JobsClient.class);
                    Run run = jobs.await(jobs.submit(RunRequest.of("greet").build()).id(), Duration.ofMinutes(2));
                    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
                    assertThat(run.result().asText()).isEqualTo("hello from postgres");
                    runId.set(run.id());

                    var health = context.getBean(SandboxJobsHealthIndicator.class).health();
                    assertThat(health.getStatus()).as(health.getDetails().toString()).isEqualTo(Status.UP);
                    assertThat(String.valueOf(health.getDetails().get("database")))
                            .startsWith("jdbc:postgresql://").endsWith(" writable").doesNotContain(postgres.password());
                    assertThat(context.getBean(MeterRegistry.class).get("sandboxjobs.exec")
                            .tags("outcome", "success").timer().count()).isGreaterThanOrEqualTo(1);

                    // the engine's sandboxes are rows on the server too
                    Sandbox probe = engine.getSandbox("on-postgres");
                    assertThat(context.getBean(CreatedSandboxes.class).ids).hasSize(2).endsWith("on-postgres");
                    try {
                        assertThat(sandboxRows(postgres, database, "on-postgres")).isEqualTo(1);
                    } finally {
                        probe.destroy();
                    }
                });

        assertThat(Files.exists(dataDir.resolve(SandboxEngine.DATABASE_FILE_NAME))).as("no SQLite file").isFalse();
        try (JobsClient after = JobEngine.openClient(url)) {
            assertThat(after.get(runId.get()).state()).isEqualTo(RunState.SUCCEEDED);
        }
    }

    private static int sandboxRows(PrivatePostgres postgres, String database, String id) throws Exception {
        try (Connection c = postgres.connect(database);
             PreparedStatement st = c.prepareStatement("select count(*) from sandboxes where id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
