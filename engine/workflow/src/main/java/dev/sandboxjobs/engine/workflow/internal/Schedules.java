package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.internal.DatabaseErrors.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.run.RunRow;
import dev.sandboxjobs.storage.run.ScheduleRow;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quartz.JobKey;

/**
 * Cron schedules: the {@code schedules} table is the truth, and on a worker Quartz's triggers
 * follow it (changes made here at once, changes made by clients in other processes by
 * {@link #sync()}). A client edits the table only.
 */
final class Schedules {
    private final JobServices services;
    private final Workflows workflows;
    private final QuartzScheduling quartz;

    /** {@code quartz} is null for a client. */
    Schedules(JobServices services, Workflows workflows, QuartzScheduling quartz) {
        this.services = services;
        this.workflows = workflows;
        this.quartz = quartz;
    }

    Schedule create(ScheduleRequest request) {
        QuartzScheduling.validateCron(request.cron());
        Workflow wf = workflows.get(request.run().workflow());
        List<String> problems = wf.validator().validate(services.json().parameters(request.run().parameters()));
        if (!problems.isEmpty()) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Parameters of schedule " + request.id()
                    + " are invalid: " + String.join("; ", problems) + ".");
        }
        ScheduleRow row = new ScheduleRow(request.id(), wf.name(), request.cron(), request.timeZone().getId(),
                request.misfirePolicy().name(), services.json().write(request.run()), false,
                services.clock().millis(), 0);
        if (!guard(() -> services.store().schedules().insert(row))) {
            throw new JobException(JobErrorCode.SCHEDULE_EXISTS, "A schedule with id " + request.id()
                    + " already exists; delete it first or choose another id.");
        }
        if (quartz != null) {
            quartz.scheduleCron(request.id(), request.cron(), request.timeZone(), request.misfirePolicy(), false);
        }
        return get(request.id());
    }

    Schedule get(String id) {
        ScheduleRow s = guard(() -> services.store().schedules().find(id)).orElseThrow(() -> new JobException(
                JobErrorCode.SCHEDULE_NOT_FOUND, "No schedule has id " + id + "; list them with jobs.schedules()."));
        return toSchedule(s);
    }

    /** The run request a schedule's fires submit. */
    RunRequest request(String id) {
        ScheduleRow s = guard(() -> services.store().schedules().find(id)).orElseThrow(() -> new JobException(
                JobErrorCode.SCHEDULE_NOT_FOUND, "No schedule has id " + id + "; list them with jobs.schedules()."));
        try {
            return services.json().read(s.request(), RunRequest.class);
        } catch (JsonProcessingException e) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Schedule " + id + " holds a run request that"
                    + " cannot be read (" + e.getOriginalMessage() + "); delete and create it again.", e);
        }
    }

    private Schedule toSchedule(ScheduleRow s) {
        Instant[] times = quartz != null ? quartz.fireTimes(s.id()) : new Instant[] {
                s.paused() ? null : QuartzScheduling.nextFireTime(s.cron(), ZoneId.of(s.timeZone()),
                        services.clock().instant()), null};
        return new Schedule(s.id(), s.workflow(), s.cron(), ZoneId.of(s.timeZone()),
                MisfirePolicy.valueOf(s.misfirePolicy()), s.paused(), times[0], times[1]);
    }

    List<Schedule> list() {
        return guard(() -> services.store().schedules().list()).stream().map(this::toSchedule).toList();
    }

    Schedule pause(String scheduleId) {
        get(scheduleId);
        // The row first: the schedule sync task makes Quartz follow the rows.
        services.store().schedules().setPaused(scheduleId, true);
        if (quartz != null) {
            quartz.pause(scheduleId);
        }
        return get(scheduleId);
    }

    Schedule resume(String scheduleId) {
        get(scheduleId);
        services.store().schedules().setPaused(scheduleId, false);
        if (quartz != null) {
            quartz.resume(scheduleId);
        }
        return get(scheduleId);
    }

    boolean delete(String scheduleId) {
        boolean deleted = guard(() -> services.store().schedules().delete(scheduleId));
        if (quartz != null) {
            quartz.delete(scheduleId);
        }
        return deleted;
    }

    /** Recreates Quartz triggers that a crash separated from our rows, and drops orphans (worker, at start). */
    void reconcile() {
        sync();
        for (RunRow r : services.store().runs().inState(RunState.QUEUED.name())) {
            if (r.awaitingTrigger()) {
                quartz.scheduleRunAt(r.id(), Instant.ofEpochMilli(r.notBefore() == null ? 0 : r.notBefore()));
            }
        }
    }

    /**
     * Makes Quartz's triggers match the schedules table: adds missing ones, drops orphans, follows
     * pauses and cron changes (made by this engine or by a client in another process).
     */
    void sync() {
        Set<String> known = new HashSet<>();
        for (ScheduleRow s : services.store().schedules().list()) {
            known.add(s.id());
            Object[] trigger = quartz.pausedAndCron(s.id());
            if (trigger == null || !s.cron().equals(trigger[1])) {
                quartz.scheduleCron(s.id(), s.cron(), ZoneId.of(s.timeZone()), MisfirePolicy.valueOf(s.misfirePolicy()),
                        s.paused());
            } else if ((Boolean) trigger[0] != s.paused()) {
                if (s.paused()) {
                    quartz.pause(s.id());
                } else {
                    quartz.resume(s.id());
                }
            }
        }
        for (JobKey key : quartz.scheduleJobs()) {
            if (!known.contains(key.getName())) {
                quartz.delete(key.getName());
            }
        }
    }
}
