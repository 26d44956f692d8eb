package dev.sandboxjobs.engine.workflow;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A cron schedule: Quartz's cron syntax with seconds ({@code "0 0/5 * * * ?"} is every five
 * minutes). Each fire submits {@code run}; its idempotency key is derived from the schedule and
 * the fire time, so a fire is never submitted twice.
 *
 * <pre>{@code
 * jobs.schedule(ScheduleRequest.cron("nightly", "0 0 2 * * ?", RunRequest.of("build").build()));
 * }</pre>
 */
public record ScheduleRequest(String id, String cron, ZoneId timeZone, MisfirePolicy misfirePolicy, RunRequest run) {
    public ScheduleRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(run, "run");
        timeZone = timeZone == null ? ZoneId.of("UTC") : timeZone;
        misfirePolicy = misfirePolicy == null ? MisfirePolicy.FIRE_ONCE_NOW : misfirePolicy;
    }

    public static ScheduleRequest cron(String id, String cron, RunRequest run) {
        return new ScheduleRequest(id, cron, null, null, run);
    }

    public ScheduleRequest withTimeZone(ZoneId zone) {
        return new ScheduleRequest(id, cron, zone, misfirePolicy, run);
    }

    public ScheduleRequest withMisfirePolicy(MisfirePolicy policy) {
        return new ScheduleRequest(id, cron, timeZone, policy, run);
    }
}
