package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs commands driven as a user would: in-process {@link Main} with captured output, and the
 * worker as a real separate process; real Docker, a real SQLite file per test.
 */
@RequiresDocker
class JobsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String image;

    @TempDir
    Path dir;

    private final List<WorkerProcess> workers = new ArrayList<>();

    @BeforeAll
    static void ensureTheImage() {
        image = RuntimeImageForTests.image();
    }

    @AfterEach
    void stopWorkersAndDestroyWhatIsLeft() throws Exception {
        for (WorkerProcess w : workers) {
            w.stop();
        }
        if (Files.exists(Path.of(db()))) {
            // A failed test may leave a run's sandbox behind: its container must not outlive the test.
            try (SandboxEngine engine = SandboxEngine.builder().databaseFile(Path.of(db())).prewarmInterpreters()
                    .build()) {
                engine.listSandboxes().forEach(s -> engine.destroySandbox(s.id()));
            }
        }
    }

    private String db() {
        return dir.resolve("jobs.db").toString();
    }

    /** Runs the command line with {@code --db} added (before a {@code --}, after which all is the command). */
    private MainTest.Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        int end = all.indexOf("--");
        all.addAll(end < 0 ? all.size() : end, List.of("--db", db()));
        return MainTest.run(all.toArray(String[]::new));
    }

    private String submit(String command, String... more) {
        List<String> args = new ArrayList<>(List.of("submit", "exec", "--image", image, "--param", "command=" + command));
        args.addAll(List.of(more));
        MainTest.Run run = cli(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out().strip().lines().findFirst().orElseThrow();
    }

    private JsonNode show(String runId) throws IOException {
        MainTest.Run run = cli("runs", "show", runId, "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private JsonNode awaitState(String runId, Predicate<String> state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode run = show(runId);
        while (!state.test(run.get("state").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            run = show(runId);
        }
        return run;
    }

    private WorkerProcess worker(String... extra) throws IOException {
        WorkerProcess w = new WorkerProcess(db(), extra);
        workers.add(w);
        return w;
    }

    @Test
    void submitWithoutAWorkerQueuesTheRunSaysSoAndCancelQueuedThenAgainIsClear() throws Exception {
        MainTest.Run submitted = cli("submit", "exec", "--image", image, "--param", "command=echo never",
                "--label", "team=core");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        String runId = submitted.out().strip();
        assertThat(runId).startsWith("run-");
        assertThat(submitted.err()).contains("no worker runs", "sandbox-jobs worker", "--wait");

        MainTest.Run list = cli("runs", "list", "--label", "team=core");
        assertThat(list.out()).contains(runId, "QUEUED", "exec");

        MainTest.Run cancel = cli("runs", "cancel", runId);
        assertThat(cancel.exitCode()).isZero();
        assertThat(cancel.out()).contains("cancelled before it started");
        MainTest.Run again = cli("runs", "cancel", runId);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("already CANCELLED", "nothing to cancel");
        assertThat(show(runId).get("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aWorkerInAnotherProcessRunsARunSubmittedHereAndOnSigtermLetsItFinishThenStops() throws Exception {
        WorkerProcess worker = worker("--grace", "60s");
        worker.awaitLine(l -> l.contains("worker running"), Duration.ofSeconds(60));

        MainTest.Run submitted = cli("submit", "exec", "--image", image,
                "--param", "command=echo begin; sleep 4; echo end");
        assertThat(submitted.err()).doesNotContain("no worker");
        String runId = submitted.out().strip();
        worker.awaitLine(l -> l.contains("started") && l.contains(runId), Duration.ofSeconds(60));

        worker.process.destroy();   // SIGTERM while the run is in flight
        assertThat(worker.awaitExit(Duration.ofSeconds(90))).as(worker.output()).isTrue();

        assertThat(worker.output()).contains("stopping", "finished " + runId + " SUCCEEDED", "worker stopped");
        JsonNode run = show(runId);
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.at("/result/stdout").asText()).isEqualTo("begin\nend\n");
        assertThat(cli("sandboxes", "list").out()).doesNotContain(runId);
    }

    @Test
    void aWorkerWithMetricsPrintsTheMetersPeriodicallyAndAtStop() throws Exception {
        WorkerProcess worker = worker("--metrics", "1s");
        worker.awaitLine(l -> l.contains("worker running"), Duration.ofSeconds(60));
        String runId = submit("echo metered");
        worker.awaitLine(l -> l.contains("finished " + runId), Duration.ofSeconds(90));
        worker.awaitLine(l -> l.contains(" metrics  runs queued=0 active=0 succeeded=1") && l.contains("success=")
                && l.contains("| sandboxes running=") && l.contains("| orphans reaped=0"), Duration.ofSeconds(30));
        worker.process.destroy();
        assertThat(worker.awaitExit(Duration.ofSeconds(60))).as(worker.output()).isTrue();
        List<String> lines = worker.output().lines().toList();
        int stopped = lines.indexOf(lines.stream().filter(l -> l.contains("worker stopped")).findFirst().orElseThrow());
        assertThat(lines.get(stopped - 1)).as("the last figures, printed at stop").contains(" metrics  runs ");
    }

    @Test
    void aRunStillRunningAfterTheGraceIsLeftForTheNextWorkerWhichFinishesIt() throws Exception {
        WorkerProcess first = worker("--grace", "1s");
        first.awaitLine(l -> l.contains("worker running"), Duration.ofSeconds(60));
        String runId = submit("sleep 6; echo resumed");
        first.awaitLine(l -> l.contains("started") && l.contains(runId), Duration.ofSeconds(60));
        first.process.destroy();
        assertThat(first.awaitExit(Duration.ofSeconds(60))).isTrue();
        assertThat(first.output()).contains("runs still running are resumed by the next worker");
        assertThat(show(runId).get("state").asText()).isEqualTo("RUNNING");

        WorkerProcess second = worker();
        second.awaitLine(l -> l.contains("finished " + runId), Duration.ofSeconds(90));

        JsonNode run = show(runId);
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.at("/result/stdout").asText()).contains("resumed");
    }

    @Test
    void submitWaitRunsInThisProcessWithoutAWorkerAndShowLogsArtifactsAndListDescribeTheRun() throws Exception {
        MainTest.Run waited = cli("submit", "exec", "--image", image, "--wait", "--label", "kind=report",
                "--param", "command=mkdir -p /workspace && echo '<h1>report</h1>' > /workspace/report.html"
                        + " && echo done && echo warning >&2 && exit 3",
                "--param", "artifacts=/workspace/report.html");
        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(Main.FAILED);
        String runId = waited.out().lines().findFirst().orElseThrow();
        assertThat(waited.out()).contains("exec       stdout done", "exec       stderr warning",
                runId + " FAILED", "the command exited with 3");
        assertThat(waited.err()).contains("running the engine in this process");

        MainTest.Run show = cli("runs", "show", runId);
        assertThat(show.out()).contains("State       FAILED", "Workflow    exec", "Attempt     1 of 1",
                "exec         FAILED    attempt 1", "the command exited with 3");
        JsonNode json = show(runId);
        assertThat(json.at("/steps/0/name").asText()).isEqualTo("exec");
        assertThat(json.at("/result/exitCode").asInt()).isEqualTo(3);

        MainTest.Run logs = cli("runs", "logs", runId, "--step", "exec");
        assertThat(logs.out()).contains("stdout done", "stderr warning");
        MainTest.Run noStep = cli("runs", "logs", runId, "--step", "nope");
        assertThat(noStep.exitCode()).isEqualTo(Main.USAGE);

        Path out = dir.resolve("artifacts");
        MainTest.Run artifacts = cli("runs", "artifacts", runId, "--out", out.toString());
        assertThat(artifacts.exitCode()).as(artifacts.err()).isZero();
        assertThat(artifacts.out()).contains("report.html", "exec");
        assertThat(Files.readString(out.resolve("report.html"))).isEqualTo("<h1>report</h1>\n");

        JsonNode failed = JSON.readTree(cli("runs", "list", "--state", "failed", "--json").out());
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("id").asText()).isEqualTo(runId);
        assertThat(JSON.readTree(cli("runs", "list", "--state", "succeeded", "--json").out())).isEmpty();
        assertThat(cli("runs", "list", "--workflow", "exec", "--label", "kind=report").out()).contains(runId);
    }

    @Test
    void logsFollowPrintsLinesLiveUntilTheRunIsCancelledFromAnotherProcess() throws Exception {
        WorkerProcess worker = worker();
        worker.awaitLine(l -> l.contains("worker running"), Duration.ofSeconds(60));
        String runId = submit("for i in $(seq 1 120); do echo line-$i; sleep 1; done");

        StringWriter followed = new StringWriter();
        PrintWriter followOut = new PrintWriter(followed, true);
        int[] followExit = {-1};
        Thread follow = new Thread(() -> followExit[0] = Main.execute(followOut,
                new PrintWriter(new StringWriter()), "runs", "logs", "-f", runId, "--db", db()));
        follow.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!followed.toString().contains("line-3") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(followed.toString()).contains("line-1", "line-2", "line-3");

        MainTest.Run cancel = cli("runs", "cancel", runId);
        assertThat(cancel.out()).contains("being cancelled");
        follow.join(60_000);

        assertThat(follow.isAlive()).isFalse();
        assertThat(followExit[0]).isZero();
        assertThat(followed.toString()).doesNotContain("line-120");
        JsonNode run = awaitState(runId, "CANCELLED"::equals, Duration.ofSeconds(30));
        assertThat(run.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(cli("sandboxes", "list").out()).doesNotContain(runId);
    }

    @Test
    void schedulesAreAddedListedPausedResumedAndRemovedAndFireInAWorker() throws Exception {
        MainTest.Run added = cli("schedule", "add", "tick", "exec", "--cron", "*/2 * * * * ?", "--image", image,
                "--param", "command=echo tick", "--misfire", "skip");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added schedule tick");
        assertThat(added.err()).contains("schedules fire only while `sandbox-jobs worker` runs");
        assertThat(cli("schedule", "list").out()).contains("tick", "exec", "*/2 * * * * ?", "active", "skip");
        assertThat(cli("schedule", "add", "tick", "exec", "--cron", "* * * * * ?", "--param", "command=x").exitCode())
                .isEqualTo(Main.USAGE);

        WorkerProcess worker = worker();
        worker.awaitLine(l -> l.contains("finished") && l.contains("SUCCEEDED"), Duration.ofSeconds(90));
        JsonNode runs = JSON.readTree(cli("runs", "list", "--json").out());
        assertThat(runs).isNotEmpty();
        assertThat(runs.get(0).get("scheduleId").asText()).isEqualTo("tick");

        assertThat(cli("schedule", "pause", "tick").out()).contains("Paused schedule tick");
        assertThat(cli("schedule", "list").out()).contains("paused");
        assertThat(cli("schedule", "resume", "tick").out()).contains("Resumed schedule tick");
        assertThat(cli("schedule", "list").out()).contains("active");
        assertThat(cli("schedule", "rm", "tick").out()).contains("Deleted schedule tick");
        MainTest.Run again = cli("schedule", "rm", "tick");
        assertThat(again.exitCode()).isEqualTo(Main.USAGE);
        assertThat(again.err()).contains("SCHEDULE_NOT_FOUND");
        assertThat(cli("schedule", "list").out()).contains("No schedules.");
    }

    @Test
    void sandboxesAreListedRunCommandsAndAreDestroyedAndGcRemovesOrphans() throws Exception {
        String id = "cli-test-" + UUID.randomUUID().toString().substring(0, 8);
        String engineId;
        try (SandboxEngine engine = SandboxEngine.builder().databaseFile(Path.of(db())).image(image)
                .prewarmInterpreters().build()) {
            Sandbox sandbox = engine.getSandbox(id);
            sandbox.writeFile("/workspace/hello.txt", "hello from the sandbox\n");
            engineId = engine.engineId();
        }
        String orphan = "cli-test-orphan-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            assertThat(cli("sandboxes", "list").out()).contains(id, "running", image);

            MainTest.Run shell = cli("sandboxes", "exec", id, "--", "cat /workspace/hello.txt; echo oops >&2; exit 7");
            assertThat(shell.exitCode()).isEqualTo(7);
            assertThat(shell.out()).isEqualTo("hello from the sandbox\n");
            assertThat(shell.err()).isEqualTo("oops\n");
            MainTest.Run argv = cli("sandboxes", "exec", id, "--", "ls", "/workspace");
            assertThat(argv.exitCode()).isZero();
            assertThat(argv.out()).contains("hello.txt");
            assertThat(cli("sandboxes", "exec", "no-such-sandbox", "--", "true").exitCode()).isEqualTo(Main.USAGE);

            assertThat(cli("sandboxes", "destroy", id).out()).contains("Destroyed sandbox " + id);
            assertThat(cli("sandboxes", "list").out()).doesNotContain(id);
            MainTest.Run again = cli("sandboxes", "destroy", id);
            assertThat(again.exitCode()).isEqualTo(Main.USAGE);
            assertThat(again.err()).contains("SANDBOX_NOT_FOUND");

            docker("run", "-d", "--name", orphan, "--label", Labels.ENGINE + "=" + engineId,
                    "--label", "dev.sandboxjobs.test=cli", "sandbox-jobs/debian-base:trixie", "sleep", "300");
            MainTest.Run gc = cli("sandboxes", "gc");
            assertThat(gc.exitCode()).as(gc.err()).isZero();
            assertThat(gc.out()).contains("Reaped orphan containers");
            assertThat(docker("ps", "-aq", "--filter", "name=" + orphan)).isBlank();
        } finally {
            cli("sandboxes", "destroy", id);
            docker("rm", "-f", orphan);
        }
    }

    @Test
    void aSandboxIsCreatedWithItsImageMemoryAndNetworkAndASecondCreateIsBadUsage() throws Exception {
        String id = "cli-create-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            MainTest.Run created = cli("sandboxes", "create", id, "--image", image, "--memory", "256m", "--network", "none",
                    "--label", "purpose=cli-test", "--env", "GREETING=hello");
            assertThat(created.exitCode()).as(created.err()).isZero();
            assertThat(created.out()).contains("Created sandbox " + id + " (" + image + ", running)",
                    "sandbox-jobs sandboxes exec " + id);

            assertThat(cli("sandboxes", "list").out()).contains(id, "running", image);
            MainTest.Run env = cli("sandboxes", "exec", id, "--", "echo $GREETING; ls /sys/class/net");
            assertThat(env.out().lines()).containsExactly("hello", "lo");
            String container = docker("ps", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + id).strip();
            assertThat(docker("inspect", "-f", "{{.HostConfig.Memory}}", container).strip()).isEqualTo(String.valueOf(256L << 20));

            MainTest.Run again = cli("sandboxes", "create", id);
            assertThat(again.exitCode()).isEqualTo(Main.USAGE);
            assertThat(again.err()).contains("exists already", "sandboxes exec " + id);
            assertThat(cli("sandboxes", "create", "x", "--network", "wifi").err()).contains("--network takes bridge or none");
            assertThat(cli("sandboxes", "create", "x", "--memory", "lots").exitCode()).isEqualTo(Main.USAGE);
        } finally {
            cli("sandboxes", "destroy", id);
        }
    }

    @Test
    void aWorkerWithDashboardServesItsRunsOnThePrintedUrl() throws Exception {
        WorkerProcess w = worker("--dashboard");
        w.awaitLine(line -> line.startsWith("Dashboard: http://127.0.0.1:"), Duration.ofMinutes(2));
        String line = w.output().lines().filter(l -> l.startsWith("Dashboard: ")).findFirst().orElseThrow();
        String url = line.substring("Dashboard: ".length(), line.indexOf("  (read-only"));
        String base = url.substring(0, url.indexOf("/?token="));
        String token = url.substring(url.indexOf("token=") + 6);
        String runId = submit("echo from the worker");
        awaitState(runId, "SUCCEEDED"::equals, Duration.ofMinutes(2));

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> run = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/api/runs/" + runId)).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        java.net.http.HttpResponse<String> refused = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/api/runs/" + runId)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(JSON.readTree(run.body()).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(refused.statusCode()).isEqualTo(401);
        w.stop();
        assertThat(w.output()).contains("worker stopped");
    }

    @Test
    void unknownRunsWorkflowsAndParametersAreBadUsageInOneLine() {
        MainTest.Run unknownRun = cli("runs", "show", "run-nope");
        assertThat(unknownRun.exitCode()).isEqualTo(Main.USAGE);
        assertThat(unknownRun.err().strip()).startsWith("error [RUN_NOT_FOUND]").doesNotContain("\n");
        assertThat(cli("runs", "logs", "run-nope").exitCode()).isEqualTo(Main.USAGE);
        assertThat(cli("runs", "cancel", "run-nope").exitCode()).isEqualTo(Main.USAGE);
        assertThat(cli("runs", "artifacts", "run-nope").exitCode()).isEqualTo(Main.USAGE);

        MainTest.Run unknownWorkflow = cli("submit", "no-such-workflow");
        assertThat(unknownWorkflow.exitCode()).isEqualTo(Main.USAGE);
        assertThat(unknownWorkflow.err()).contains("UNKNOWN_WORKFLOW", "exec");
        MainTest.Run missingParameter = cli("submit", "exec");
        assertThat(missingParameter.exitCode()).isEqualTo(Main.USAGE);
        assertThat(missingParameter.err()).contains("INVALID_PARAMETERS", "command");
        assertThat(cli("schedule", "add", "bad", "exec", "--cron", "nope", "--param", "command=x").err())
                .contains("INVALID_CRON");
    }

    private static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.strip();
    }

    /**
     * {@code sandbox-jobs worker} as a separate JVM on the test's class path. Its output goes to a
     * file: {@link Process#destroy()} closes the parent's ends of the pipes, which would lose what
     * the worker prints while it shuts down.
     */
    static final class WorkerProcess {
        final Process process;
        private final Path log;

        WorkerProcess(String db, String... extra) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--db", db));
            command.addAll(List.of(extra));
            log = Files.createTempFile(Path.of(db).getParent(), "worker-", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean awaitExit(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        void awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (output().lines().anyMatch(line)) {
                    return;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the worker printed no such line in " + timeout + "; it printed:\n" + output());
        }

        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
