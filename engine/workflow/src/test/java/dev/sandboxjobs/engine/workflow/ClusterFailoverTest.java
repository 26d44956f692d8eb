package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.PrivatePostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engine JVMs on one real PostgreSQL server share the queue. One is killed with SIGKILL in
 * the middle of a run's step, then another is frozen with SIGSTOP (a machine that vanished from
 * the network: its process is alive, only its lease runs out). After each: every run ends
 * SUCCEEDED, no step that had completed runs again, no container is left, and the time from the
 * kill to the takeover of the victim's run is printed (a figure, not an assertion).
 */
@RequiresDocker
@Tag("cluster")
@Tag("reliability")
class ClusterFailoverTest {
    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws Exception {
        for (Process p : children) {
            ProcessHandle.of(p.pid()).ifPresent(h -> signal("CONT", h.pid()));
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void threeEnginesLoseNothingWhenOneIsKilledAndAnotherFrozenMidStep() throws Exception {
        String url = PrivatePostgres.shared().newDatabaseUrl();
        Path work = Files.createDirectories(dir.resolve("work"));
        for (String name : List.of("e1", "e2", "e3")) {
            children.add(startEngine(url, work, name));
        }
        for (String name : List.of("e1", "e2", "e3")) {
            awaitFile(work.resolve("ready-" + name), "engine " + name + " started", work.resolve("log-" + name));
        }
        try (Database db = Database.open(url);
             JobsClient client = JobEngine.openClient(DatabaseLocation.parse(url))) {
            ClusterChild.register(client, work, "client");
            String engineId = db.engineId();

            // --- kill -9 of the engine running a sandboxed run's second step
            List<String> ids = submit(client, 6, 12);
            Victim killed = awaitVictim(db, List.of());
            Map<String, Integer> completed = completedSteps(client, work, ids);
            long t0 = System.nanoTime();
            signal("KILL", killed.pid());
            // its parent reaps it, as a shell or systemd would: an engine on the same machine then
            // sees the process gone and takes over without waiting for the lease to run out
            for (Process p : children) {
                if (p.pid() == killed.pid()) {
                    p.waitFor(60, TimeUnit.SECONDS);
                }
            }
            long takeover = awaitTakeover(db, killed, t0);
            System.out.printf("CLUSTER takeover after kill -9 of engine pid %d: %d ms (run %s)%n", killed.pid(),
                    takeover, killed.runId());
            awaitAllSucceeded(client, ids);
            assertNothingRedone(work, completed);

            // --- SIGSTOP: the process lives, only its lease runs out (as when its machine vanishes)
            List<String> more = submit(client, 4, 8);
            Victim frozen = awaitVictim(db, List.of(killed.pid()));
            Map<String, Integer> completedBeforeFreeze = completedSteps(client, work, more);
            long t1 = System.nanoTime();
            signal("STOP", frozen.pid());
            long leaseTakeover = awaitTakeover(db, frozen, t1);
            System.out.printf("CLUSTER takeover after SIGSTOP (lease expiry) of engine pid %d: %d ms (run %s)%n",
                    frozen.pid(), leaseTakeover, frozen.runId());
            awaitAllSucceeded(client, more);
            signal("CONT", frozen.pid());
            // the thawed engine finds its lease gone, abandons what it was doing and records nothing
            Thread.sleep(3_000);
            for (String id : more) {
                assertThat(client.get(id).state()).isEqualTo(RunState.SUCCEEDED);
            }
            assertNothingRedone(work, completedBeforeFreeze);
            assertThat(ProcessHandle.of(frozen.pid()).map(ProcessHandle::isAlive)).hasValue(true);

            // --- every sandbox of every run is gone
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!DockerLabels.runContainers(engineId).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(DockerLabels.runContainers(engineId)).as("containers of the engines' runs").isEmpty();
        }
    }

    private record Victim(String runId, String owner, long pid) {
    }

    private Process startEngine(String url, Path work, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx192m", "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("sandboxjobs.test.image") != null) {
            command.add("-Dsandboxjobs.test.image=" + System.getProperty("sandboxjobs.test.image"));
        }
        command.addAll(List.of(ClusterChild.class.getName(), url, work.toString(), name));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("log-" + name).toFile()).start();
    }

    private static List<String> submit(JobsClient client, int boxed, int plain) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.max(boxed, plain); i++) {
            if (i < boxed) {
                ids.add(client.submit(RunRequest.of(ClusterChild.BOXED).build()).id());
            }
            if (i < plain) {
                ids.add(client.submit(RunRequest.of(ClusterChild.PLAIN).build()).id());
            }
        }
        return ids;
    }

    /** A sandboxed run past its first step, and the live engine (not in {@code exclude}) running it. */
    private static Victim awaitVictim(Database db, List<Long> exclude) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Optional<Victim> v = db.jdbi().withHandle(h -> h.createQuery("""
                    select r.id, r.owner, l.pid from runs r
                    join engine_leases l on l.id = r.owner
                    join steps s on s.run_id = r.id and s.idx = 1 and s.state = 'RUNNING'
                    where r.state = 'RUNNING' and r.workflow = :w""")
                    .bind("w", ClusterChild.BOXED)
                    .map((rs, ctx) -> new Victim(rs.getString(1), rs.getString(2), rs.getLong(3))).list())
                    .stream().filter(x -> !exclude.contains(x.pid())).findFirst();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no sandboxed run reached its second step within 3 minutes");
    }

    /** Milliseconds from {@code t0} until the victim's run is owned by another engine, or over. */
    private static long awaitTakeover(Database db, Victim v, long t0) throws InterruptedException {
        long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String[] row = db.jdbi().withHandle(h -> h.createQuery("select state, owner from runs where id = :id")
                    .bind("id", v.runId()).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).one());
            boolean elsewhere = "RUNNING".equals(row[0]) && row[1] != null && !row[1].equals(v.owner());
            if (elsewhere || "SUCCEEDED".equals(row[0])) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("run " + v.runId() + " was not taken over within 2 minutes");
    }

    /** Steps that have completed now, with how many times each ran. */
    private static Map<String, Integer> completedSteps(JobsClient client, Path work, List<String> ids) throws Exception {
        Map<String, Integer> completed = new HashMap<>();
        for (String id : ids) {
            for (StepRun step : client.get(id).steps()) {
                if (step.state() == RunState.SUCCEEDED) {
                    completed.put(id + "/" + step.name(), ClusterChild.executions(work, id, step.name()));
                }
            }
        }
        return completed;
    }

    private static void assertNothingRedone(Path work, Map<String, Integer> completed) throws Exception {
        for (Map.Entry<String, Integer> e : completed.entrySet()) {
            String[] runAndStep = e.getKey().split("/");
            assertThat(ClusterChild.executions(work, runAndStep[0], runAndStep[1]))
                    .as("executions of completed step %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static void awaitAllSucceeded(JobsClient client, List<String> ids) throws Exception {
        for (String id : ids) {
            Run run = client.await(id, Duration.ofMinutes(4));
            assertThat(run.state()).as("run %s (%s): %s", id, run.workflow(), run.failure()).isEqualTo(RunState.SUCCEEDED);
        }
    }

    private static void awaitFile(Path file, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.exists(file)).as("%s; log:%n%s", what, Files.exists(log) ? Files.readString(log) : "").isTrue();
    }

    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed", e);
        }
    }
}
