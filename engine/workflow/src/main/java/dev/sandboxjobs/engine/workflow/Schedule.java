package dev.sandboxjobs.engine.workflow;

import java.time.Instant;
import java.time.ZoneId;

/** A cron schedule as stored, with its next fire time (null when paused or exhausted). */
public record Schedule(String id, String workflow, String cron, ZoneId timeZone, MisfirePolicy misfirePolicy,
                       boolean paused, Instant nextFireTime, Instant previousFireTime) {
}
