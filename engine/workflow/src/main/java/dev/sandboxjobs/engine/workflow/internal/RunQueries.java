package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.guard;

import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.LogFollow;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunStatistics;
import dev.sandboxjobs.storage.run.LogRow;
import dev.sandboxjobs.storage.run.RunFilter;
import dev.sandboxjobs.storage.run.RunRow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads runs, their logs and artifacts, and waits for runs to end. */
final class RunQueries {
    private static final Logger LOG = LoggerFactory.getLogger(RunQueries.class);

    private final JobServices services;
    private final Predicate<String> executingHere;

    /**
     * {@code executingHere} tells whether this process executes a run or destroys its sandbox (a
     * worker's dispatcher); null for a client, whose {@link #await} polls the database.
     */
    RunQueries(JobServices services, Predicate<String> executingHere) {
        this.services = services;
        this.executingHere = executingHere;
    }

    Run get(String runId) {
        RunRow row = guard(() -> services.store().runs().find(runId)).orElseThrow(() -> notFound(runId));
        return Rows.toRun(services.json(), row, guard(() -> services.store().steps().forRun(runId)));
    }

    static JobException notFound(String runId) {
        return new JobException(JobErrorCode.RUN_NOT_FOUND, "No run has id " + runId
                + "; it may never have existed or been deleted by retention. List runs with jobs.list(...).");
    }

    Page<Run> list(RunQuery q) {
        Long before;
        try {
            before = q.pageToken() == null ? null : Long.parseLong(q.pageToken());
        } catch (NumberFormatException e) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, "Page token " + q.pageToken()
                    + " is not one this engine returned; pass Page.nextPageToken() unchanged.");
        }
        Set<String> states = new HashSet<>();
        q.states().forEach(s -> states.add(s.name()));
        RunFilter filter = new RunFilter(states, q.workflow(), q.labelName(), q.labelValue(),
                q.createdFrom() == null ? null : q.createdFrom().toEpochMilli(),
                q.createdUntil() == null ? null : q.createdUntil().toEpochMilli(), before, q.limit() + 1);
        List<RunRow> rows = guard(() -> services.store().runs().list(filter));
        boolean more = rows.size() > q.limit();
        List<RunRow> page = more ? rows.subList(0, q.limit()) : rows;
        List<Run> runs = page.stream().map(r -> Rows.toRun(services.json(), r, List.of())).toList();
        return new Page<>(runs, more ? Long.toString(page.get(page.size() - 1).seq()) : null);
    }

    /** Runs by state and by creation bucket, counted in the database. */
    RunStatistics statistics(Instant since, Duration bucket) {
        return guard(() -> RunStatisticsQuery.run(services.store().runs(), services.clock(), since, bucket));
    }

    Run await(String runId, Duration timeout) throws InterruptedException {
        RunEvents events = services.events();
        CompletableFuture<Void> signal = events.finishSignal(runId);
        Run run;
        try {
            run = get(runId);
        } catch (RuntimeException e) {
            events.forget(runId, signal);
            throw e;
        }
        // a run is recorded as over before its sandbox is destroyed (in the background): while this
        // process still holds the run, wait for the signal that follows the removal, so that no
        // container is left
        if (run.state().isFinished() && (executingHere == null || !executingHere.test(runId))) {
            events.forget(runId, signal);
            return run;
        }
        if (executingHere == null) {
            events.forget(runId, signal);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!run.state().isFinished() && System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
                run = get(runId);
            }
            return run;
        }
        try {
            signal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // fall through: the caller checks the state
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return get(runId);
    }

    List<LogLine> logs(String runId, long afterSeq, int limit) {
        Run run = get(runId);
        return Rows.toLines(run, guard(() -> services.store().logs().after(runId, afterSeq,
                Math.max(1, Math.min(limit, 10_000)))));
    }

    LogFollow followLogs(String runId, Consumer<LogLine> consumer) {
        Run first = get(runId);
        CountDownLatch done = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            long after = 0;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Run run = get(runId);
                    boolean over = run.state().isFinished();
                    List<LogRow> rows = services.store().logs().after(runId, after, 1_000);
                    for (LogLine l : Rows.toLines(run, rows)) {
                        consumer.accept(l);
                        after = l.seq();
                    }
                    if (over && rows.isEmpty()) {
                        return;
                    }
                    if (rows.isEmpty()) {
                        Thread.sleep(50);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Following the log of {} stopped", runId, e);
            } finally {
                done.countDown();
            }
        }, "sandbox-jobs-follow-" + first.id());
        t.setDaemon(true);
        t.start();
        return new LogFollow() {
            @Override
            public boolean awaitEnd(Duration timeout) throws InterruptedException {
                return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                t.interrupt();
            }
        };
    }

    List<ArtifactInfo> artifacts(String runId) {
        Run run = get(runId);
        return guard(() -> services.store().artifacts().list(runId)).stream()
                .map(a -> new ArtifactInfo(runId, a.name(), a.stepIndex() < run.steps().size()
                        ? run.steps().get(a.stepIndex()).name() : null, a.size(), Instant.ofEpochMilli(a.createdAt())))
                .toList();
    }

    byte[] readArtifact(String runId, String name) {
        get(runId);
        return guard(() -> services.store().artifacts().content(runId, name)).orElseThrow(() -> new JobException(
                JobErrorCode.ARTIFACT_NOT_FOUND, "Run " + runId + " has no artifact named " + name
                + "; list them with jobs.artifacts(runId)."));
    }
}
