package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that only read or edit the database run as real processes with {@code DOCKER_HOST}
 * pointing to a socket that does not exist, so that any Docker connection would fail them; those
 * that need Docker fail with one clear line and exit code 3. No Docker needed.
 */
class DatabaseOnlyCommandsTest {
    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {}

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--db", dir.resolve("jobs.db").toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("DOCKER_HOST", "unix://" + dir.resolve("no-docker-here.sock"));
        pb.environment().remove("SANDBOX_JOBS_DB");
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s exits", args[0]).isTrue();
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private Result ok(String... args) throws IOException, InterruptedException {
        Result r = cli(args);
        assertThat(r.exitCode()).as("%s\nstdout: %s\nstderr: %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r;
    }

    @Test
    void runsAndScheduleCommandsWorkFromTheDatabaseAloneWhenDockerIsUnreachable() throws Exception {
        String runId = ok("submit", "exec", "--param", "command=echo hi", "--label", "team=core").out().strip();
        assertThat(runId).startsWith("run-");

        assertThat(ok("runs", "list").out()).contains(runId, "exec", "QUEUED");
        assertThat(ok("runs", "list", "--label", "team=core", "--state", "queued").out()).contains(runId);
        assertThat(ok("runs", "show", runId).out()).contains("Run         " + runId, "State       QUEUED",
                "Workflow    exec");
        assertThat(ok("runs", "show", runId, "--json").out()).contains("\"state\" : \"QUEUED\"");
        assertThat(ok("runs", "logs", runId).out()).isEmpty();
        assertThat(ok("runs", "artifacts", runId).out()).contains("has no artifacts");

        assertThat(ok("schedule", "add", "nightly", "exec", "--cron", "0 0 2 * * ?", "--param", "command=date").out())
                .contains("Added schedule nightly");
        assertThat(ok("schedule", "list").out()).contains("nightly", "0 0 2 * * ?", "active");
        ok("schedule", "pause", "nightly");
        assertThat(ok("schedule", "list").out()).contains("paused");
        ok("schedule", "resume", "nightly");
        ok("schedule", "rm", "nightly");
        assertThat(ok("schedule", "list").out()).contains("No schedules.");

        assertThat(ok("runs", "cancel", runId).out()).contains("cancelled before it started");
        assertThat(ok("runs", "show", runId).out()).contains("State       CANCELLED");
    }

    @Test
    void commandsThatNeedDockerFailWithOneClearLineAndExitCode3() throws Exception {
        for (String[] args : List.of(new String[] {"sandboxes", "list"}, new String[] {"worker"},
                new String[] {"submit", "exec", "--param", "command=true", "--wait"})) {
            Result r = cli(args);
            assertThat(r.exitCode()).as("%s: %s", String.join(" ", args), r.err()).isEqualTo(Main.INFRASTRUCTURE);
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("error [DOCKER_UNAVAILABLE]")
                    .contains("no-docker-here.sock");
            assertThat(r.err().strip().lines().filter(l -> l.startsWith("error") || l.startsWith("\tat "))).hasSize(1);
        }
    }
}
