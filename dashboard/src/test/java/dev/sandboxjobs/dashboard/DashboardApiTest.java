package dev.sandboxjobs.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's server and JSON API over a real job engine on a real SQLite file (host steps,
 * no sandbox), called over HTTP as curl or a script would.
 */
class DashboardApiTest {
    @TempDir
    static Path dir;

    static JobEngine jobEngine;
    static JobsWorker jobs;
    static Dashboard dashboard;
    static final CountDownLatch release = new CountDownLatch(1);
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        jobEngine = JobEngine.builder().databaseFile(dir.resolve("jobs.db")).clock(Clock.systemUTC())
                .options(JobsOptions.defaults().withMaxConcurrentRuns(4)).build();
        jobs = jobEngine.worker();
        jobs.register(Workflow.named("hello")
                .step(Step.of("greet", ctx -> {
                    ctx.log().info("hello, " + ctx.parameter("name", String.class).orElse("you"));
                    ctx.artifacts().put("report.html", "<html><body><h1>All good</h1></body></html>"
                            .getBytes(StandardCharsets.UTF_8));
                    return StepResult.success("greeted");
                }))
                .build());
        jobs.register(Workflow.named("waits").step(Step.of("wait", ctx -> {
            ctx.log().info("waiting to be released or cancelled");
            release.await();
            return StepResult.success();
        })).build());
        jobs.register(Workflow.named("broken").step(Step.of("fail", ctx -> StepResult.failure("it broke", null))).build());
        jobs.start();
        dashboard = Dashboard.builder(jobs).start();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        if (dashboard != null) {
            dashboard.close();
            dashboard.close();
        }
        if (jobEngine != null) {
            jobEngine.close();
        }
    }

    static HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(dashboard.baseUrl().resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = call("GET", path, dashboard.adminToken());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    static JsonNode post(String path, int status) throws Exception {
        HttpResponse<String> response = call("POST", path, dashboard.adminToken());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
        return json.readTree(response.body());
    }

    static Run finished(Run run) throws Exception {
        return jobs.await(run.id(), Duration.ofSeconds(20));
    }

    @Test
    void everyPageAndApiCallWithoutTheTokenIsRefused() throws Exception {
        for (String path : List.of("/", "/runs", "/schedules", "/sandboxes", "/assets/app.js", "/api/runs", "/api/overview",
                "/api/session", "/nowhere")) {
            assertThat(call("GET", path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(call("GET", path, "not-the-token-at-all").statusCode()).as(path).isEqualTo(401);
        }
        HttpResponse<String> api = call("GET", "/api/runs", null);
        assertThat(api.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"sandbox-jobs\"");
        assertThat(json.readTree(api.body()).get("error").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(call("POST", "/api/runs/x/cancel", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theReadOnlyTokenReadsEverythingButChangesNothing() throws Exception {
        Run run = finished(jobs.submit(RunRequest.of("broken").build()));
        String read = dashboard.readOnlyToken();

        assertThat(call("GET", "/api/runs/" + run.id(), read).statusCode()).isEqualTo(200);
        assertThat(json.readTree(call("GET", "/api/session", read).body()).get("canChange").asBoolean()).isFalse();
        HttpResponse<String> refused = call("POST", "/api/runs/" + run.id() + "/rerun", read);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json.readTree(refused.body()).get("message").asText()).contains("read-only token");
        assertThat(jobs.list(dev.sandboxjobs.engine.workflow.RunQuery.all().withLabel("rerun-of", run.id())).items()).isEmpty();
    }

    @Test
    void thePrintedUrlSetsAnHttpOnlyCookieAndShowsThePageWithoutTheToken() throws Exception {
        assertThat(dashboard.url().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> entry = http.send(HttpRequest.newBuilder(dashboard.url().resolve("/runs?state=FAILED&token="
                + dashboard.adminToken())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(entry.statusCode()).isEqualTo(303);
        assertThat(entry.headers().firstValue("Location").orElseThrow()).endsWith("/runs?state=FAILED");
        String cookie = entry.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("sandbox_jobs_dashboard=" + dashboard.adminToken()).contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");

        String value = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(dashboard.baseUrl().resolve("/runs"))
                .header("Cookie", value).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/assets/app.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");

        // a cookie alone (what a cross-site form would carry) cannot change anything
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(dashboard.baseUrl().resolve("/api/runs/x/cancel"))
                .header("Cookie", value).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void runsAreListedNewestFirstFilteredAndPagedWithAKey() throws Exception {
        String tag = "list-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(finished(jobs.submit(RunRequest.of("hello").label("batch", tag).label("n", "" + i).build())).id());
        }
        String failed = finished(jobs.submit(RunRequest.of("broken").label("batch", tag).build())).id();

        JsonNode first = get("/api/runs?label=batch=" + tag + "&limit=4");
        JsonNode second = get("/api/runs?label=batch=" + tag + "&limit=4&page=" + first.get("next").asText());

        List<String> listed = new ArrayList<>();
        first.get("items").forEach(r -> listed.add(r.get("id").asText()));
        second.get("items").forEach(r -> listed.add(r.get("id").asText()));
        assertThat(listed).containsExactly(failed, ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(second.get("next").isNull()).isTrue();
        assertThat(get("/api/runs?state=FAILED&label=batch=" + tag).get("items")).singleElement()
                .satisfies(r -> assertThat(r.get("id").asText()).isEqualTo(failed));
        assertThat(get("/api/runs?workflow=hello&label=n=3").get("items")).singleElement()
                .satisfies(r -> assertThat(r.get("id").asText()).isEqualTo(ids.get(3)));
        assertThat(get("/api/runs?label=batch=" + tag + "&from=" + Instant.now().plusSeconds(60)).get("items")).isEmpty();
        assertThat(call("GET", "/api/runs?state=DONE", dashboard.adminToken()).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/runs?from=yesterday", dashboard.adminToken()).body()).contains("ISO-8601");
    }

    @Test
    void aRunShowsItsStepsResultLogAndArtifactsAndTheReportIsServedWithoutScripts() throws Exception {
        Run run = finished(jobs.submit(RunRequest.of("hello").parameters(Map.of("name", "Ada")).build()));

        JsonNode shown = get("/api/runs/" + run.id());
        assertThat(shown.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(shown.get("parameters").get("name").asText()).isEqualTo("Ada");
        assertThat(shown.get("steps").get(0).get("name").asText()).isEqualTo("greet");
        assertThat(shown.get("steps").get(0).get("durationMs").isNumber()).isTrue();
        assertThat(get("/api/runs/" + run.id() + "/logs").get("lines").get(0).get("text").asText()).isEqualTo("hello, Ada");
        assertThat(get("/api/runs/" + run.id() + "/artifacts").get("items").get(0).get("name").asText()).isEqualTo("report.html");

        HttpResponse<String> report = call("GET", "/api/runs/" + run.id() + "/artifacts/report.html", dashboard.adminToken());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("All good");
        assertThat(report.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(report.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox");

        HttpResponse<String> unknown = call("GET", "/api/runs/run-nope", dashboard.adminToken());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("error").asText()).isEqualTo("RUN_NOT_FOUND");
        assertThat(call("GET", "/api/runs/" + run.id() + "/artifacts/nope.txt", dashboard.adminToken()).statusCode()).isEqualTo(404);
    }

    @Test
    void theLogIsStreamedAsServerSentEventsWhileTheRunGoesOnUntilItEnds() throws Exception {
        Run run = jobs.submit(RunRequest.of("waits").build());
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(dashboard.baseUrl()
                        .resolve("/api/runs/" + run.id() + "/logs/stream"))
                .header("Authorization", "Bearer " + dashboard.readOnlyToken()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));

        assertThat(nextData(events, "line")).contains("waiting to be released or cancelled");
        assertThat(jobs.get(run.id()).state()).isEqualTo(RunState.RUNNING);

        JsonNode cancelled = post("/api/runs/" + run.id() + "/cancel", 200);
        assertThat(cancelled.get("changed").asBoolean()).isTrue();
        assertThat(nextData(events, "end")).contains("CANCELLED");
        // then the stream ends: only the event's closing blank line is left
        assertThat(CompletableFuture.supplyAsync(() -> {
            List<String> rest = new ArrayList<>();
            String line;
            while ((line = readLine(events)) != null) {
                rest.add(line);
            }
            return rest;
        }).get(20, TimeUnit.SECONDS)).containsOnly("");
    }

    static String nextData(BufferedReader events, String eventName) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            String event = null;
            String line;
            while ((line = readLine(events)) != null) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && eventName.equals(event)) {
                    return line.substring(6);
                }
            }
            return null;
        }).get(20, TimeUnit.SECONDS);
    }

    static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFailedRunIsRetriedOnceAndAnyFinishedRunReRunWithTheSameParameters() throws Exception {
        Run failed = finished(jobs.submit(RunRequest.of("broken").parameters(Map.of("k", "v")).label("team", "core").build()));
        Run ok = finished(jobs.submit(RunRequest.of("hello").parameters(Map.of("name", "Grace")).build()));

        JsonNode retry = post("/api/runs/" + failed.id() + "/retry", 201);
        JsonNode again = post("/api/runs/" + failed.id() + "/retry", 201);
        JsonNode rerun = post("/api/runs/" + ok.id() + "/rerun", 201);

        assertThat(again.get("id").asText()).isEqualTo(retry.get("id").asText());
        assertThat(retry.get("labels").get("retry-of").asText()).isEqualTo(failed.id());
        assertThat(retry.get("labels").get("team").asText()).isEqualTo("core");
        assertThat(retry.get("parameters").get("k").asText()).isEqualTo("v");
        assertThat(finished(jobs.get(rerun.get("id").asText())).result().asText()).isEqualTo("greeted");
        assertThat(jobs.get(rerun.get("id").asText()).parameters().get("name").asText()).isEqualTo("Grace");
        assertThat(post("/api/runs/" + ok.id() + "/retry", 409).get("error").asText()).isEqualTo("NOT_RETRYABLE");
    }

    @Test
    void schedulesArePausedResumedAndTriggered() throws Exception {
        jobs.schedule(ScheduleRequest.cron("api-nightly", "0 0 3 * * ?", RunRequest.of("hello").parameters(Map.of("name", "cron")).build()));

        assertThat(get("/api/schedules").get("items")).anySatisfy(s -> {
            assertThat(s.get("id").asText()).isEqualTo("api-nightly");
            assertThat(s.get("nextFireTime").asText()).isNotEmpty();
        });
        assertThat(post("/api/schedules/api-nightly/pause", 200).get("paused").asBoolean()).isTrue();
        JsonNode triggered = post("/api/schedules/api-nightly/trigger", 201);
        assertThat(triggered.get("scheduleId").asText()).isEqualTo("api-nightly");
        assertThat(finished(jobs.get(triggered.get("id").asText())).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(post("/api/schedules/api-nightly/resume", 200).get("paused").asBoolean()).isFalse();
        assertThat(post("/api/schedules/no-such/trigger", 404).get("error").asText()).isEqualTo("SCHEDULE_NOT_FOUND");
    }

    @Test
    void theOverviewCountsRunsByStateAndOverTime() throws Exception {
        finished(jobs.submit(RunRequest.of("broken").build()));

        JsonNode overview = get("/api/overview?range=1h");

        long total = overview.get("total").asLong();
        long summed = 0;
        for (RunState state : RunState.values()) {
            summed += overview.get("byState").get(state.name()).asLong();
        }
        assertThat(summed).isEqualTo(total);
        assertThat(overview.get("byState").get("FAILED").asLong()).isPositive();
        assertThat(overview.get("created").get("buckets")).hasSize(12);
        assertThat(overview.get("created").get("bucketMs").asLong()).isEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(overview.get("metrics")).isEmpty();
        assertThat(call("GET", "/api/overview?range=2y", dashboard.adminToken()).statusCode()).isEqualTo(400);
    }

    @Test
    void withoutASandboxEngineTheSandboxesPageSaysWhy() throws Exception {
        JsonNode sandboxes = get("/api/sandboxes");

        assertThat(sandboxes.get("items")).isEmpty();
        assertThat(sandboxes.get("unavailable").asText()).contains("without a sandbox engine");
    }

    @Test
    void metricsGivenByTheApplicationAppearOnTheOverview() throws Exception {
        try (Dashboard withMetrics = Dashboard.builder(jobs).metrics(() -> List.of(
                new DashboardMetrics.Reading("sandbox.jobs.queue.depth", Map.of("workflow", "hello"), 3, "runs"))).start()) {
            HttpResponse<String> overview = http.send(HttpRequest.newBuilder(withMetrics.baseUrl().resolve("/api/overview"))
                    .header("Authorization", "Bearer " + withMetrics.readOnlyToken()).build(), HttpResponse.BodyHandlers.ofString());

            JsonNode metric = json.readTree(overview.body()).get("metrics").get(0);
            assertThat(metric.get("name").asText()).isEqualTo("sandbox.jobs.queue.depth");
            assertThat(metric.get("value").asDouble()).isEqualTo(3.0);
        }
    }

    @Test
    void badSettingsAreTypedErrors() {
        assertThatThrownBy(() -> Dashboard.builder(jobs).adminToken("short")).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> Dashboard.builder(jobs).port(dashboard.port()).start()).isInstanceOf(SandboxException.class)
                .hasMessageContaining("Choose another port");
        assertThatThrownBy(() -> Dashboard.builder(jobs).bindAddress("no-such-host.invalid").start())
                .isInstanceOf(SandboxException.class).hasMessageContaining("unknown address");
    }

    @Test
    void fixedTokensAreUsedAsGiven() throws Exception {
        try (Dashboard fixed = Dashboard.builder(jobs).adminToken("admin-token-0123456789").readOnlyToken("read-token-0123456789")
                .start()) {
            assertThat(fixed.url().toString()).endsWith("/?token=admin-token-0123456789");
            HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(fixed.baseUrl() + "api/session"))
                    .header("Authorization", "Bearer read-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(session.body()).get("role").asText()).isEqualTo("read");
        }
    }
}
