package dev.sandboxjobs.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example service as a user runs it: real HTTP, the real pipeline on the bundled sample repository, real Docker and SQLite. */
@RequiresDocker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PipelineServiceApplicationTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        RuntimeImageForTests.ensure();       // the pipeline's default image, sandbox-jobs/runtime:<version>
        Path dataDir = Files.createTempDirectory("pipeline-service-");
        registry.add("sandbox-jobs.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    JobsClient jobs;

    @Test
    void aRepositoryPostedIsTestedAsADurableJobWhoseStatusIsServed() throws Exception {
        String sampleRepo = Path.of("../sample-repo").toAbsolutePath().normalize().toString();

        HttpResponse<String> submitted = post("/runs", "{\"repository\": \"" + sampleRepo + "\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String location = submitted.headers().firstValue("Location").orElseThrow();
        String runId = location.substring(location.lastIndexOf('/') + 1);

        Run done = jobs.await(runId, Duration.ofMinutes(5));
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        HttpResponse<String> status = get(location);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"state\":\"SUCCEEDED\"", "\"name\":\"clone\"", "\"name\":\"test\"",
                "\"projectType\":\"nodejs\"", "\"passed\":8");

        HttpResponse<String> bad = post("/runs", "{\"repository\": \"\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("INVALID_PARAMETERS");
        HttpResponse<String> missing = get("/runs/run-that-does-not-exist");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("RUN_NOT_FOUND");

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"sandboxJobs\":{\"status\":\"UP\"");
        HttpResponse<String> meter = get("/actuator/metrics/sandboxjobs.runs?tag=workflow:testing-pipeline&tag=state:succeeded");
        assertThat(meter.statusCode()).as(meter.body()).isEqualTo(200);
        assertThat(meter.body()).contains("\"statistic\":\"COUNT\",\"value\":1.0");
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
