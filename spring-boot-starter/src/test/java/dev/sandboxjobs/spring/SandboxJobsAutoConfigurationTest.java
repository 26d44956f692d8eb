package dev.sandboxjobs.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter in a real Spring Boot application context (Spring Boot's ApplicationContextRunner),
 * on real Docker and a real SQLite file: one quick class, as CI runs every module's tests.
 */
@RequiresDocker
class SandboxJobsAutoConfigurationTest {
    @TempDir
    Path dataDir;

    @Configuration(proxyBeanMethods = false)
    static class Application {
        @Bean
        Workflow greet() {
            return Workflow.named("greet")
                    .sandbox(SandboxSpec.image(RuntimeImageForTests.image()))
                    .step(Step.of("echo", ctx -> StepResult.success(
                            ctx.sandbox(Sandbox.class).exec("printf %s \"$GREETING\"").stdout())))
                    .build();
        }

        @Bean
        Workflow slow() {
            return Workflow.named("slow")
                    .sandbox(SandboxSpec.image(RuntimeImageForTests.image()))
                    .step(Step.of("sleep", ctx -> StepResult.success(ctx.sandbox(Sandbox.class).exec("sleep 2").exitCode())))
                    .build();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private ApplicationContextRunner runner() {
        RuntimeImageForTests.ensure();   // the default image (sandbox-jobs/runtime:<version>) is present
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SandboxJobsAutoConfiguration.class))
                .withUserConfiguration(Application.class)
                .withPropertyValues(
                        "sandbox-jobs.data-dir=" + dataDir,
                        "sandbox-jobs.defaults.memory=256MB",
                        "sandbox-jobs.defaults.env.GREETING=hello from application.properties",
                        "sandbox-jobs.worker.max-concurrent-runs=2",
                        "sandbox-jobs.worker.shutdown-grace=2m",
                        "sandbox-jobs.dashboard.enabled=true");
    }

    @Test
    void beansFromPropertiesRunWorkflowBeansReportHealthAndMetricsAndShutDownGracefully() throws Exception {
        AtomicReference<String> slowRun = new AtomicReference<>();
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SandboxEngine.class).hasSingleBean(JobEngine.class)
                    .hasSingleBean(JobsWorker.class).hasSingleBean(JobsClient.class);
            assertThat(context.getBean(SandboxEngine.class).defaults().memoryBytes()).isEqualTo(256L << 20);

            JobsClient jobs = context.getBean(JobsClient.class);
            Run greeted = jobs.await(jobs.submit(RunRequest.of("greet").build()).id(), Duration.ofMinutes(2));
            assertThat(greeted.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(greeted.result().asText()).isEqualTo("hello from application.properties");

            var health = context.getBean(SandboxJobsHealthIndicator.class).health();
            assertThat(health.getStatus()).as(health.getDetails().toString()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKeys("docker", "image", "database");
            assertThat(context.getBean(MeterRegistry.class).get("sandboxjobs.runs")
                    .tags("workflow", "greet", "state", "succeeded").timer().count()).isEqualTo(1);

            Dashboard dashboard = context.getBean(Dashboard.class);
            HttpResponse<String> overview = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(dashboard.baseUrl().resolve("/api/overview?range=1h"))
                            .header("Authorization", "Bearer " + dashboard.readOnlyToken()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(overview.statusCode()).as(overview.body()).isEqualTo(200);
            assertThat(overview.body()).contains("sandboxjobs.runs.count").contains("sandboxjobs.runs.queued.value");

            CountDownLatch stepStarted = new CountDownLatch(1);
            jobs.addListener(new RunListener() {
                @Override
                public void onStepStarted(RunEvent event) {
                    stepStarted.countDown();
                }
            });
            slowRun.set(jobs.submit(RunRequest.of("slow").build()).id());
            assertThat(stepStarted.await(2, TimeUnit.MINUTES)).isTrue();
            context.close();        // the application stops while the run is in flight
        });

        // graceful: the close waited for the run, which finished and lost its sandbox
        try (JobsClient after = JobEngine.openClient(dataDir.resolve("sandbox-jobs.db"))) {
            Run run = after.get(slowRun.get());
            assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(containersOfRun(run.id())).isEmpty();
        }
    }

    @Test
    void withTheWorkerDisabledTheApplicationIsAClientAndStartsNothing() {
        runner().withPropertyValues("sandbox-jobs.worker.enabled=false", "sandbox-jobs.dashboard.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JobsClient.class).doesNotHaveBean(JobsWorker.class)
                    .doesNotHaveBean(Dashboard.class);
            JobsClient client = context.getBean(JobsClient.class);
            Run queued = client.submit(RunRequest.of("greet").build());     // the Workflow bean is registered
            assertThat(client.get(queued.id()).state()).isEqualTo(RunState.QUEUED);
        });
    }

    private static String containersOfRun(String runId) throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-a", "-q", "--filter", "label=" + Labels.RUN + "=" + runId)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
