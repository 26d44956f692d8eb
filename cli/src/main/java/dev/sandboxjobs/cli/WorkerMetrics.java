package dev.sandboxjobs.cli;

import dev.sandboxjobs.dashboard.DashboardMetrics;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.micrometer.SandboxJobsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code worker --metrics}: the library's Micrometer meters ({@link SandboxJobsMetrics}) in an
 * in-memory registry, read as one summary line for the worker's output and as figures for its
 * dashboard's overview.
 */
final class WorkerMetrics implements AutoCloseable {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SandboxJobsMetrics metrics;

    WorkerMetrics(JobsClient jobs, SandboxEngine engine) {
        metrics = SandboxJobsMetrics.of(jobs, engine);
        metrics.bindTo(registry);
    }

    /**
     * For example {@code runs queued=0 active=1 succeeded=3 failed=1 | exec 12 success=10 failure=1
     * timeout=1 mean=35ms max=210ms | sandboxes running=2 sleeping=0 | orphans reaped=0}.
     */
    String line() {
        Map<String, Long> finished = new TreeMap<>();
        for (Timer t : registry.find("sandboxjobs.runs").timers()) {
            finished.merge(t.getId().getTag("state"), t.count(), Long::sum);
        }
        StringBuilder b = new StringBuilder("runs queued=").append(gauge("sandboxjobs.runs.queued", null, null))
                .append(" active=").append(gauge("sandboxjobs.runs.active", null, null));
        finished.forEach((state, n) -> b.append(' ').append(state).append('=').append(n));
        long execs = 0;
        double totalMs = 0;
        double maxMs = 0;
        Map<String, Long> outcomes = new TreeMap<>();
        for (Timer t : registry.find("sandboxjobs.exec").timers()) {
            execs += t.count();
            totalMs += t.totalTime(TimeUnit.MILLISECONDS);
            maxMs = Math.max(maxMs, t.max(TimeUnit.MILLISECONDS));
            outcomes.merge(t.getId().getTag("outcome"), t.count(), Long::sum);
        }
        b.append(" | exec ").append(execs);
        outcomes.forEach((outcome, n) -> b.append(' ').append(outcome).append('=').append(n));
        if (execs > 0) {
            b.append(String.format(Locale.ROOT, " mean=%.0fms max=%.0fms", totalMs / execs, maxMs));
        }
        b.append(" | sandboxes running=").append(gauge("sandboxjobs.sandboxes", "status", "running"))
                .append(" sleeping=").append(gauge("sandboxjobs.sandboxes", "status", "sleeping"));
        Counter reaped = registry.find("sandboxjobs.orphans.reaped").counter();
        b.append(" | orphans reaped=").append(reaped == null ? 0 : (long) reaped.count());
        return b.toString();
    }

    private String gauge(String name, String tag, String value) {
        Gauge g = tag == null ? registry.find(name).gauge() : registry.find(name).tag(tag, value).gauge();
        double v = g == null ? Double.NaN : g.value();
        return Double.isNaN(v) ? "?" : String.valueOf((long) v);
    }

    /** The meters as the dashboard's overview shows them (name.statistic, tags, value). */
    DashboardMetrics readings() {
        return () -> {
            List<DashboardMetrics.Reading> out = new ArrayList<>();
            for (Meter meter : registry.getMeters()) {
                Meter.Id id = meter.getId();
                Map<String, String> tags = new LinkedHashMap<>();
                for (Tag t : id.getTags()) {
                    tags.put(t.getKey(), t.getValue());
                }
                for (Measurement m : meter.measure()) {
                    String unit = switch (m.getStatistic()) {
                        case TOTAL_TIME, MAX, DURATION -> "s";
                        default -> id.getBaseUnit() == null ? "" : id.getBaseUnit();
                    };
                    out.add(new DashboardMetrics.Reading(id.getName() + "." + m.getStatistic().name().toLowerCase(Locale.ROOT),
                            tags, m.getValue(), unit));
                }
            }
            return out;
        };
    }

    @Override
    public void close() {
        metrics.close();
        registry.close();
    }
}
