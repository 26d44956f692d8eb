package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Schedule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly pipeline as a real worker process (a child JVM on the test's class path) on a SQLite
 * file: its schedule fires every ten seconds here, a pipeline run completes, SIGTERM stops it, and a
 * second process on the same database keeps the one schedule and fires it again.
 */
@RequiresDocker
class NightlyPipelineTest {
    private static final String EVERY_TEN_SECONDS = "*/10 * * * * ?";
    private static final Pattern FINISHED = Pattern.compile(" finished (run-\\S+) (\\S+)");

    @TempDir Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopWhatIsLeft() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void theScheduleFiresRunsThePipelineStopsOnSigtermAndSurvivesARestartWithoutDuplicatesOrLostRuns() throws Exception {
        Path repo = DemoRepositories.create(dir.resolve("repo"), "calculator");
        Path db = dir.resolve("nightly.db");

        Path firstLog = dir.resolve("first.log");
        Process first = start(db, repo, firstLog);
        awaitLine(first, firstLog, l -> l.contains("finished run-") && l.contains("SUCCEEDED"), Duration.ofMinutes(5));
        first.destroy();   // SIGTERM
        assertThat(first.waitFor(5, TimeUnit.MINUTES)).as(read(firstLog)).isTrue();
        String firstOutput = read(firstLog);
        assertThat(firstOutput).contains("Schedule " + NightlyPipeline.SCHEDULE + " added: cron '" + EVERY_TEN_SECONDS)
                .contains("3 passed, 0 failed").contains("stopping").contains(" stopped");
        Set<String> finishedByFirst = finished(firstOutput);
        List<Run> leftByFirst;
        try (JobsClient jobs = JobEngine.openClient(db)) {
            leftByFirst = jobs.list(RunQuery.all().limit(1000)).items();
        }
        // graceful: the run in flight finished; fires that came while a run was going wait in the queue
        assertThat(leftByFirst).extracting(Run::state).isSubsetOf(RunState.SUCCEEDED, RunState.QUEUED);
        Optional<Run> oldestQueued = leftByFirst.stream().filter(r -> r.state() == RunState.QUEUED)
                .min(Comparator.comparing(Run::createdAt));

        Instant restart = Instant.now();
        Path secondLog = dir.resolve("second.log");
        Process second = start(db, repo, secondLog);
        awaitLine(second, secondLog, l -> l.startsWith("Schedule"), Duration.ofMinutes(2));
        assertThat(read(secondLog)).contains("Schedule " + NightlyPipeline.SCHEDULE + " kept: cron '" + EVERY_TEN_SECONDS);
        awaitLine(second, secondLog, l -> l.contains("finished run-") && l.contains("SUCCEEDED"), Duration.ofMinutes(5));
        awaitRunCreatedAfter(db, restart, Duration.ofMinutes(2));   // the schedule fires again
        second.destroy();
        assertThat(second.waitFor(5, TimeUnit.MINUTES)).as(read(secondLog)).isTrue();
        assertThat(read(secondLog)).contains(" stopped");

        try (JobsClient jobs = JobEngine.openClient(db)) {
            List<Schedule> schedules = jobs.schedules();
            assertThat(schedules).extracting(Schedule::id).containsExactly(NightlyPipeline.SCHEDULE);
            List<Run> runs = jobs.list(RunQuery.all().limit(1000)).items();
            assertThat(runs).allSatisfy(r -> assertThat(r.scheduleId()).isEqualTo(NightlyPipeline.SCHEDULE));
            // one run per fire: no fire was submitted twice
            assertThat(runs.stream().map(Run::idempotencyKey).distinct().count()).isEqualTo(runs.size());
            // nothing lost: every run of the first process is still there, those it finished as it said,
            // and the oldest one it left queued was run by the second; no run is stuck running
            assertThat(runs).extracting(Run::id).containsAll(leftByFirst.stream().map(Run::id).toList());
            for (String id : finishedByFirst) {
                assertThat(jobs.get(id).state()).isEqualTo(RunState.SUCCEEDED);
            }
            oldestQueued.ifPresent(r -> assertThat(jobs.get(r.id()).state()).isEqualTo(RunState.SUCCEEDED));
            assertThat(runs).extracting(Run::state).isSubsetOf(RunState.SUCCEEDED, RunState.QUEUED);
            assertThat(runs.stream().filter(r -> r.createdAt().isAfter(restart))).isNotEmpty();
        }
    }

    private Process start(Path db, Path repo, Path log) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NightlyPipeline.class.getName(),
                "--cron", EVERY_TEN_SECONDS, "--db", db.toString(), "--image", RuntimeImageForTests.image(),
                "--grace", "240", repo.toString());
        // output to a file: destroy() closes the parent's pipe ends, which would lose the shutdown lines
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private static void awaitRunCreatedAfter(Path db, Instant after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (JobsClient jobs = JobEngine.openClient(db)) {
            while (System.nanoTime() < deadline) {
                if (jobs.list(RunQuery.all().limit(1000)).items().stream().anyMatch(r -> r.createdAt().isAfter(after))) {
                    return;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the schedule did not fire after the restart within " + timeout);
    }

    private static Set<String> finished(String output) {
        Matcher m = FINISHED.matcher(output);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertThat(ids).doesNotHaveDuplicates();
        return ids.stream().collect(Collectors.toSet());
    }

    private static void awaitLine(Process p, Path log, Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (read(log).lines().anyMatch(line)) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such line within " + timeout + "; the process printed:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
