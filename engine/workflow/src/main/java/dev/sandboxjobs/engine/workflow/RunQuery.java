package dev.sandboxjobs.engine.workflow;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which runs {@link JobsClient#list(RunQuery)} returns, newest first. Pass the previous page's
 * {@link Page#nextPageToken()} as {@code pageToken} to get the next page.
 *
 * <pre>{@code
 * Page<Run> failed = jobs.list(RunQuery.all().inStates(RunState.FAILED).withWorkflow("build").limit(50));
 * }</pre>
 */
public record RunQuery(Set<RunState> states, String workflow, String labelName, String labelValue,
                       Instant createdFrom, Instant createdUntil, int limit, String pageToken) {
    public RunQuery {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be within 1..1000, was " + limit);
        }
    }

    public static RunQuery all() {
        return new RunQuery(Set.of(), null, null, null, null, null, 100, null);
    }

    public RunQuery inStates(RunState... s) {
        return new RunQuery(Set.of(s), workflow, labelName, labelValue, createdFrom, createdUntil, limit, pageToken);
    }

    public RunQuery withWorkflow(String w) {
        return new RunQuery(states, w, labelName, labelValue, createdFrom, createdUntil, limit, pageToken);
    }

    /** Runs carrying label {@code name} with {@code value} (any value when null). */
    public RunQuery withLabel(String name, String value) {
        return new RunQuery(states, workflow, name, value, createdFrom, createdUntil, limit, pageToken);
    }

    /** Runs created in {@code [from, until)}; either bound may be null. */
    public RunQuery createdBetween(Instant from, Instant until) {
        return new RunQuery(states, workflow, labelName, labelValue, from, until, limit, pageToken);
    }

    public RunQuery limit(int l) {
        return new RunQuery(states, workflow, labelName, labelValue, createdFrom, createdUntil, l, pageToken);
    }

    public RunQuery page(String token) {
        return new RunQuery(states, workflow, labelName, labelValue, createdFrom, createdUntil, limit, token);
    }
}
