package dev.sandboxjobs.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Figures the overview page shows next to the run counts, such as an application's Micrometer
 * meters (queue wait, step durations, live sandboxes). The dashboard reads them on each visit of
 * the overview; it shows none by default.
 *
 * <pre>{@code
 * Dashboard.builder(jobs).metrics(() -> List.of(new DashboardMetrics.Reading("jobs.queue.depth", Map.of(), 3, "runs")))
 * }</pre>
 */
@FunctionalInterface
public interface DashboardMetrics {
    /** Shows nothing. */
    DashboardMetrics NONE = List::of;

    /** The current readings; called on a request thread, so it should be quick. */
    List<Reading> read();

    /**
     * One figure.
     *
     * @param name a meter name, e.g. {@code sandbox.jobs.runs.active}
     * @param tags its tags (may be empty)
     * @param value its current value
     * @param unit a unit to print after the value (may be empty)
     */
    record Reading(String name, Map<String, String> tags, double value, String unit) {
        public Reading {
            Objects.requireNonNull(name, "name");
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            unit = unit == null ? "" : unit;
        }
    }
}
