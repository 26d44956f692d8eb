package dev.sandboxjobs.micrometer;

import dev.sandboxjobs.engine.ExecSummary;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxListener;
import dev.sandboxjobs.engine.SandboxStatus;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for a job engine, named and tagged after Micrometer's conventions (dotted
 * lower-case names, base unit seconds, tags of low cardinality: workflow, step, state, status).
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code sandboxjobs.runs}</td><td>timer</td><td>workflow, state</td><td>finished runs: count by final state, start-to-finish time of the last attempt</td></tr>
 * <tr><td>{@code sandboxjobs.runs.started}</td><td>counter</td><td>workflow</td><td>attempts started (retries and recovery included)</td></tr>
 * <tr><td>{@code sandboxjobs.runs.retries}</td><td>counter</td><td>workflow</td><td>attempts beyond the first, counted when the run finishes</td></tr>
 * <tr><td>{@code sandboxjobs.runs.wait}</td><td>timer</td><td>workflow</td><td>from queued (or due) to the first start</td></tr>
 * <tr><td>{@code sandboxjobs.steps}</td><td>timer</td><td>workflow, step, state</td><td>finished steps and their durations</td></tr>
 * <tr><td>{@code sandboxjobs.runs.queued}</td><td>gauge</td><td></td><td>runs waiting in the queue (the database's, all processes)</td></tr>
 * <tr><td>{@code sandboxjobs.runs.active}</td><td>gauge</td><td></td><td>runs running now (all processes)</td></tr>
 * <tr><td>{@code sandboxjobs.sandboxes}</td><td>gauge</td><td>status</td><td>live sandboxes of the engine's database by status</td></tr>
 * <tr><td>{@code sandboxjobs.exec}</td><td>timer</td><td>outcome</td><td>commands run in this engine's sandboxes
 *     ({@code exec}, {@code execStream}, job steps' commands): {@code success}, {@code failure} (non-zero exit
 *     code), {@code timeout}, {@code error}</td></tr>
 * <tr><td>{@code sandboxjobs.orphans.reaped}</td><td>counter</td><td></td><td>orphan containers this engine
 *     removed, those of the reap at start included</td></tr>
 * </table>
 *
 * <p>Run and step meters come from the {@link RunListener} events of the client or worker given
 * (a worker sees every run it executes); {@code sandboxjobs.exec} and {@code sandboxjobs.orphans.reaped}
 * from the engine's {@link SandboxListener} events (this process only); gauges read the database when
 * the registry polls them, at most once a second. The sandbox meters need the engine given.
 */
public final class SandboxJobsMetrics implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SandboxJobsMetrics.class);
    private static final Duration GAUGE_CACHE = Duration.ofSeconds(1);

    private final JobsClient jobs;
    private final SandboxEngine sandboxes;
    private final Tags extraTags;
    private final Map<String, Instant> queuedAt = new ConcurrentHashMap<>();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final RunListener listener = new Listener();
    private final SandboxListener sandboxListener = new SandboxMeters();

    private record Cached(Instant at, double value) {
    }

    private SandboxJobsMetrics(JobsClient jobs, SandboxEngine sandboxes, Tags extraTags) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.sandboxes = sandboxes;
        this.extraTags = extraTags;
    }

    /** Meters for {@code jobs} (usually the {@code JobsWorker}) and, when not null, the sandboxes of {@code sandboxes}. */
    public static SandboxJobsMetrics of(JobsClient jobs, SandboxEngine sandboxes) {
        return new SandboxJobsMetrics(jobs, sandboxes, Tags.empty());
    }

    /** The same, with tags added to every meter (for example the application's instance). */
    public static SandboxJobsMetrics of(JobsClient jobs, SandboxEngine sandboxes, Tags tags) {
        return new SandboxJobsMetrics(jobs, sandboxes, tags);
    }

    /**
     * Registers the meters in {@code meterRegistry}; binding to several registries records to each,
     * binding to the same one again does nothing.
     */
    @Override
    public synchronized void bindTo(MeterRegistry meterRegistry) {
        if (registries.stream().anyMatch(r -> r == meterRegistry)) {
            return;
        }
        Gauge.builder("sandboxjobs.runs.queued", this, m -> m.count("queued", RunState.QUEUED))
                .tags(extraTags).description("Runs waiting in the queue").baseUnit("runs").register(meterRegistry);
        Gauge.builder("sandboxjobs.runs.active", this, m -> m.count("active", RunState.RUNNING))
                .tags(extraTags).description("Runs running now").baseUnit("runs").register(meterRegistry);
        if (sandboxes != null) {
            for (SandboxStatus status : SandboxStatus.values()) {
                Gauge.builder("sandboxjobs.sandboxes", this, m -> m.sandboxes(status))
                        .tags(extraTags).tag("status", tagValue(status))
                        .description("Live sandboxes by status").baseUnit("sandboxes").register(meterRegistry);
            }
            // the reap at start ran before this binder existed: counted here, once per registry
            orphansReaped(meterRegistry).increment(sandboxes.orphansReapedAtStart());
        }
        if (registries.isEmpty()) {
            jobs.addListener(listener);
            if (sandboxes != null) {
                sandboxes.addListener(sandboxListener);
            }
        }
        registries.add(meterRegistry);
    }

    private void each(Consumer<MeterRegistry> record) {
        for (MeterRegistry r : registries) {
            record.accept(r);
        }
    }

    /** Stops following runs and sandboxes (the meters stay in the registry). Safe twice. */
    @Override
    public void close() {
        jobs.removeListener(listener);
        if (sandboxes != null) {
            sandboxes.removeListener(sandboxListener);
        }
    }

    private Counter orphansReaped(MeterRegistry r) {
        return Counter.builder("sandboxjobs.orphans.reaped").tags(extraTags)
                .description("Orphan containers removed by the engine's reaper").baseUnit("containers").register(r);
    }

    private double count(String key, RunState state) {
        // counted by the database (JobsClient.statistics), so it stays quick with a long queue
        return cached(key, () -> jobs.statistics(Instant.now(), Duration.ofHours(1)).byState().getOrDefault(state, 0L));
    }

    private double sandboxes(SandboxStatus status) {
        return cached("sandboxes-" + status, () -> {
            List<SandboxInfo> all = sandboxes.listSandboxes();
            return all.stream().filter(s -> s.status() == status).count();
        });
    }

    private interface Reading {
        double read();
    }

    private double cached(String key, Reading reading) {
        Instant now = Instant.now();
        Cached c = cache.get(key);
        if (c != null && c.at().plus(GAUGE_CACHE).isAfter(now)) {
            return c.value();
        }
        try {
            double value = reading.read();
            cache.put(key, new Cached(now, value));
            return value;
        } catch (RuntimeException e) {
            log.debug("Could not read {} for a gauge: {}", key, e.toString());
            return Double.NaN;
        }
    }

    private static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private Tags tags(String workflow) {
        return extraTags.and("workflow", workflow == null ? "unknown" : workflow);
    }

    private final class Listener implements RunListener {
        @Override
        public void onQueued(RunEvent event) {
            queuedAt.put(event.runId(), event.at());
        }

        @Override
        public void onStarted(RunEvent event) {
            each(r -> Counter.builder("sandboxjobs.runs.started").tags(tags(event.workflow()))
                    .description("Run attempts started").register(r).increment());
            Instant queued = queuedAt.remove(event.runId());
            if (queued == null) {
                // queued by another process, or a retry: the run itself says when it became due
                Run run = jobs.get(event.runId());
                if (run.attempt() > 1) {
                    return;
                }
                queued = run.notBefore() != null && run.notBefore().isAfter(run.createdAt()) ? run.notBefore() : run.createdAt();
            }
            Duration waited = nonNegative(queued, event.at());
            each(r -> Timer.builder("sandboxjobs.runs.wait").tags(tags(event.workflow()))
                    .description("Time from queued (or due) to the first start").register(r)
                    .record(waited));
        }

        @Override
        public void onFinished(RunEvent event) {
            queuedAt.remove(event.runId());
            Run run = jobs.get(event.runId());
            Duration took = run.startedAt() == null ? Duration.ZERO
                    : nonNegative(run.startedAt(), run.finishedAt() != null ? run.finishedAt() : event.at());
            each(r -> {
                Timer.builder("sandboxjobs.runs").tags(tags(run.workflow())).tag("state", tagValue(run.state()))
                        .description("Finished runs by final state; start to finish of the last attempt").register(r)
                        .record(took);
                if (run.attempt() > 1) {
                    Counter.builder("sandboxjobs.runs.retries").tags(tags(run.workflow()))
                            .description("Run attempts beyond the first").register(r).increment(run.attempt() - 1);
                }
                for (StepRun step : run.steps()) {
                    if (step.startedAt() != null && step.finishedAt() != null) {
                        Timer.builder("sandboxjobs.steps").tags(tags(run.workflow()))
                                .tag("step", step.name()).tag("state", tagValue(step.state()))
                                .description("Finished steps by state").register(r)
                                .record(nonNegative(step.startedAt(), step.finishedAt()));
                    }
                }
            });
        }
    }

    private final class SandboxMeters implements SandboxListener {
        @Override
        public void onExecFinished(ExecSummary exec) {
            each(r -> Timer.builder("sandboxjobs.exec").tags(extraTags).tag("outcome", exec.outcome().tagValue())
                    .description("Commands run in sandboxes by outcome").register(r).record(exec.duration()));
        }

        @Override
        public void onOrphanReaped(String containerId, String sandboxId) {
            each(r -> orphansReaped(r).increment());
        }
    }

    private static Duration nonNegative(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
