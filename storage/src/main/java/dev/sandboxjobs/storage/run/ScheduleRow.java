package dev.sandboxjobs.storage.run;

/** One row of {@code schedules}: a cron schedule's metadata (Quartz holds its trigger). */
public record ScheduleRow(String id, String workflow, String cron, String timeZone, String misfirePolicy,
                          String request, boolean paused, long createdAt, long version) {
}
