package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.storage.PrivatePostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an engine JVM at random points of a mixed load, round after round on one database
 * (rounds: -Dreliability.crash.rounds, default 10). After each kill: the completed steps are
 * snapshotted; at the end one engine finishes everything and the suite checks that every run
 * ended SUCCEEDED, no snapshotted completed step ran again, every submitted run exists, no
 * container of the engine is left and the database passes PRAGMA integrity_check. The same
 * rounds run on a real PostgreSQL server too (-Dreliability.crash.rounds.postgres, default 5).
 */
@RequiresDocker
@Tag("reliability")
class CrashRoundsTest {
    @TempDir
    Path dir;

    @Test
    void runsSurviveRepeatedKillMinus9WithNothingLostNothingRedoneAndNoContainerLeft() throws Exception {
        rounds(Integer.getInteger("reliability.crash.rounds", 10), null);
    }

    @Test
    void onPostgresqlToo() throws Exception {
        rounds(Integer.getInteger("reliability.crash.rounds.postgres", 5), PrivatePostgres.shared().newDatabaseUrl());
    }

    /** The rounds on the data directory's SQLite file, or on {@code databaseUrl}. */
    private void rounds(int rounds, String databaseUrl) throws Exception {
        long seed = Long.getLong("reliability.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path work = Files.createDirectories(dir.resolve("work"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Integer> completedAtKill = new HashMap<>();
        String engineId = null;
        int kills = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path")));
                if (System.getProperty("sandboxjobs.test.image") != null) {
                    command.add("-Dsandboxjobs.test.image=" + System.getProperty("sandboxjobs.test.image"));
                }
                command.addAll(List.of(CrashRoundsChild.class.getName(), dataDir.toString(), work.toString(), String.valueOf(round)));
                if (databaseUrl != null) {
                    command.add(databaseUrl);
                }
                Path log = dir.resolve("child-" + round + ".log");
                Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                    while (!Files.exists(work.resolve("started-" + round)) && child.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(Files.exists(work.resolve("started-" + round))).as("seed %d, round %d started; log:\n%s",
                            seed, round, Files.readString(log)).isTrue();
                    Thread.sleep(1000 + random.nextInt(5000));
                } finally {
                    child.destroyForcibly();
                    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                }
                assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                kills++;
                engineId = Files.readString(work.resolve("engine-id"));
                // what was complete when the engine died must never run again
                try (SandboxEngine engine = CrashRoundsChild.engine(dataDir, databaseUrl);
                     JobEngine jobEngine = CrashRoundsChild.jobs(engine)) {
                    for (Run listed : all(jobEngine.worker())) {
                        Run run = jobEngine.worker().get(listed.id());
                        for (StepRun step : run.steps()) {
                            if (step.state() == RunState.SUCCEEDED) {
                                completedAtKill.put(run.id() + "-" + step.name(),
                                        CrashRoundsChild.executions(work, run.id(), step.name()));
                            }
                        }
                    }
                }
            }

            try (SandboxEngine engine = CrashRoundsChild.engine(dataDir, databaseUrl);
                 JobEngine jobEngine = CrashRoundsChild.jobs(engine)) {
                assertThat(engine.engineId()).isEqualTo(engineId);
                JobsWorker jobs = jobEngine.worker();
                CrashRoundsChild.register(jobs, work);
                jobs.deleteSchedule(CrashRoundsChild.SCHEDULE);
                jobs.start();
                List<Run> runs = all(jobs);
                Set<String> ids = new LinkedHashSet<>();
                for (Run r : runs) {
                    ids.add(r.id());
                }
                List<String> submitted = Files.exists(work.resolve("submitted"))
                        ? Files.readAllLines(work.resolve("submitted")) : List.of();
                assertThat(ids).as("every submission that returned is in the database").containsAll(submitted);
                int cron = 0;
                int boxed = 0;
                for (String id : ids) {
                    Run run = jobs.await(id, Duration.ofMinutes(5));
                    assertThat(run.state()).as("seed %d: run %s (%s) %s", seed, id, run.workflow(), run.failure())
                            .isEqualTo(RunState.SUCCEEDED);
                    List<String> steps = run.workflow().equals(CrashRoundsChild.BOXED)
                            ? CrashRoundsChild.BOXED_STEPS : CrashRoundsChild.PLAIN_STEPS;
                    for (String s : steps) {
                        assertThat(CrashRoundsChild.executions(work, id, s)).as("%s ran %s", id, s).isGreaterThanOrEqualTo(1);
                    }
                    cron += run.scheduleId() != null ? 1 : 0;
                    boxed += run.workflow().equals(CrashRoundsChild.BOXED) ? 1 : 0;
                }
                for (Map.Entry<String, Integer> e : completedAtKill.entrySet()) {
                    String runId = e.getKey().substring(0, e.getKey().lastIndexOf('-'));
                    String step = e.getKey().substring(e.getKey().lastIndexOf('-') + 1);
                    assertThat(CrashRoundsChild.executions(work, runId, step))
                            .as("seed %d: step %s completed before a kill was not run again", seed, e.getKey())
                            .isEqualTo(e.getValue());
                }
                assertThat(engine.database().integrityCheck()).isEqualTo("ok");
                assertThat(engine.listSandboxes()).as("no sandbox left").isEmpty();
                assertThat(DockerLabels.runContainers(engineId)).as("no container of this engine's runs is left").isEmpty();
                System.out.printf("RELIABILITY crash rounds on " + engine.database().dialect()
                        + ": seed %d, %d kills, %d runs (%d sandboxed, %d cron-fired),"
                        + " %d completed steps checked, 0 lost, 0 redone%n", seed, kills, ids.size(), boxed, cron,
                        completedAtKill.size());
            }
        } finally {
            if (engineId != null) {
                for (String id : DockerLabels.runContainers(engineId)) {
                    DockerLabels.dockerTolerant("rm", "-f", id);
                }
            }
        }
    }

    private static List<Run> all(JobsClient jobs) {
        List<Run> runs = new ArrayList<>();
        RunQuery q = RunQuery.all().limit(1000);
        while (true) {
            Page<Run> page = jobs.list(q);
            runs.addAll(page.items());
            if (!page.hasNext()) {
                return runs;
            }
            q = q.page(page.nextPageToken());
        }
    }
}
