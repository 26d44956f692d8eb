package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox-jobs dashboard} as a real process over the database alone: {@code DOCKER_HOST}
 * points to a socket that does not exist, so only the sandboxes page can need Docker, and says so.
 */
class DashboardCommandTest {
    private static final Pattern URL = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+)/\\?token=(\\S+)  \\(read-only: \\S+\\?token=(\\S+);");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDashboardServesTheDatabaseWithItsTokenAndStopsOnSigterm() throws Exception {
        String db = dir.resolve("jobs.db").toString();
        String runId = MainTest.run("submit", "exec", "--param", "command=echo hi", "--label", "from=cli", "--db", db).out().strip();
        Path out = dir.resolve("dashboard.out");
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "dashboard", "--db", db))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + dir.resolve("no-docker-here.sock"));
        Process process = pb.start();
        try {
            Matcher line = awaitUrl(out, process);
            String base = line.group(1);
            String admin = line.group(2);
            String read = line.group(3);
            assertThat(Files.readString(out).lines().filter(l -> l.startsWith("Dashboard: "))).hasSize(1);

            assertThat(call("GET", base + "/api/runs", null).statusCode()).isEqualTo(401);
            assertThat(call("GET", base + "/", null).statusCode()).isEqualTo(401);
            JsonNode runs = JSON.readTree(call("GET", base + "/api/runs?label=from=cli", read).body());
            assertThat(runs.get("items").get(0).get("id").asText()).isEqualTo(runId);
            assertThat(call("POST", base + "/api/runs/" + runId + "/cancel", read).statusCode()).isEqualTo(403);
            JsonNode cancelled = JSON.readTree(call("POST", base + "/api/runs/" + runId + "/cancel", admin).body());
            assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
            // the built-in workflows are known here, so a run of one can be re-run from the dashboard
            HttpResponse<String> rerun = call("POST", base + "/api/runs/" + runId + "/rerun", admin);
            assertThat(rerun.statusCode()).as(rerun.body()).isEqualTo(201);
            JsonNode sandboxes = JSON.readTree(call("GET", base + "/api/sandboxes", read).body());
            assertThat(sandboxes.get("unavailable").asText()).contains("Sandboxes cannot be listed").contains("no-docker-here.sock");

            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isIn(0, 143);
        } finally {
            process.destroyForcibly();
        }
    }

    private static Matcher awaitUrl(Path out, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            Matcher m = URL.matcher(text);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the dashboard exited: " + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no URL printed: " + Files.readString(out));
    }
}
