package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.Dialect;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on the engine's database, clustered with the other engines on it: {@code JobStoreTX} over
 * the engine's pool, the
 * {@link SqliteDelegate}, and {@code UpdateLockRowSemaphore} (SQLite rejects
 * {@code SELECT … FOR UPDATE}). It fires cron schedules and timed runs; each fire calls back into
 * the engine, which queues the run in its own tables.
 */
final class QuartzScheduling implements AutoCloseable {
    static final String SCHEDULES = "schedules";
    static final String TIMED_RUNS = "timed-runs";

    /** What the engine does when a trigger fires. */
    interface Callbacks {
        void fireSchedule(String scheduleId, Instant scheduledFireTime);

        void releaseTimedRun(String runId);
    }

    private final Scheduler scheduler;
    private volatile boolean closed;

    QuartzScheduling(Database db, String schedulerName, String instanceId, int threads, long misfireThresholdMillis,
                     Callbacks callbacks) {
        // the data source is this engine's own; the scheduler name is the database's, shared by the cluster
        String dataSourceName = schedulerName + "-" + instanceId;
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName,
                new DataSourceConnectionProvider(db.dataSource()));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", schedulerName);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "sandbox-jobs-quartz");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(misfireThresholdMillis));
        // Every engine on the database is a node of one Quartz cluster: a trigger fires on one node
        // (row locks on qrtz_locks), and a node that stops checking in has its fired triggers
        // recovered by another.
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "2000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // The only dialect differences of Quartz: its delegate and its row lock.
        if (db.dialect() == Dialect.SQLITE) {
            p.setProperty("org.quartz.jobStore.driverDelegateClass", SqliteDelegate.class.getName());
            p.setProperty("org.quartz.jobStore.lockHandler.class",
                    "org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore");
        } else {
            p.setProperty("org.quartz.jobStore.driverDelegateClass",
                    "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        }
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            this.scheduler = factory.getScheduler();
            // Quartz keeps one scheduler per name in the JVM; engines of one database in one JVM
            // (tests, an application with two) each need their own node of the cluster
            SchedulerRepository.getInstance().remove(schedulerName);
            scheduler.setJobFactory((bundle, s) -> new FireJob(callbacks));
        } catch (SchedulerException e) {
            throw new JobException(JobErrorCode.DATABASE_UNAVAILABLE, "Cannot start the scheduler on "
                    + db.location() + ": " + e.getMessage(), e);
        }
    }

    void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new JobException(JobErrorCode.DATABASE_UNAVAILABLE, "Cannot start the scheduler: "
                    + e.getMessage(), e);
        }
    }

    /** Stops firing triggers (they stay stored; a later engine fires or misfires them). */
    void standby() {
        try {
            if (!closed) {
                scheduler.standby();
            }
        } catch (SchedulerException ignored) {
            // closing anyway
        }
    }

    /** The cron's next fire time after {@code after}, or null if there is none. */
    static Instant nextFireTime(String cron, ZoneId zone, Instant after) {
        try {
            CronExpression e = new CronExpression(cron);
            e.setTimeZone(TimeZone.getTimeZone(zone));
            Date next = e.getNextValidTimeAfter(Date.from(after));
            return next == null ? null : next.toInstant();
        } catch (ParseException e) {
            return null;
        }
    }

    static void validateCron(String cron) {
        CronExpression parsed;
        try {
            parsed = new CronExpression(cron);
        } catch (ParseException | RuntimeException e) {
            throw new JobException(JobErrorCode.INVALID_CRON, "Invalid cron expression \"" + cron + "\": "
                    + e.getMessage() + ". Use Quartz syntax with seconds, e.g. \"0 0/5 * * * ?\" for every "
                    + "five minutes.", e);
        }
        if (parsed.getNextValidTimeAfter(new Date()) == null) {
            throw new JobException(JobErrorCode.INVALID_CRON, "The cron expression \"" + cron + "\" never fires"
                    + " (a date that does not exist, such as February 31, or a year in the past); fix the date fields.");
        }
    }

    void scheduleCron(String scheduleId, String cron, ZoneId zone, MisfirePolicy misfire, boolean paused) {
        CronScheduleBuilder b = CronScheduleBuilder.cronSchedule(cron).inTimeZone(TimeZone.getTimeZone(zone));
        b = switch (misfire) {
            case FIRE_ONCE_NOW -> b.withMisfireHandlingInstructionFireAndProceed();
            case SKIP -> b.withMisfireHandlingInstructionDoNothing();
            case FIRE_ALL_MISSED -> b.withMisfireHandlingInstructionIgnoreMisfires();
        };
        JobDetail job = JobBuilder.newJob(FireJob.class).withIdentity(scheduleId, SCHEDULES)
                .usingJobData("schedule", scheduleId).storeDurably().build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(scheduleId, SCHEDULES).forJob(job)
                .withSchedule(b).build();
        call(() -> {
            scheduler.scheduleJob(job, Set.of(trigger), true);
            if (paused) {
                scheduler.pauseJob(job.getKey());
            }
            return null;
        });
    }

    void scheduleRunAt(String runId, Instant at) {
        JobDetail job = JobBuilder.newJob(FireJob.class).withIdentity(runId, TIMED_RUNS)
                .usingJobData("run", runId).build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(runId, TIMED_RUNS).forJob(job)
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        call(() -> {
            scheduler.scheduleJob(job, Set.of(trigger), true);
            return null;
        });
    }

    void unscheduleRun(String runId) {
        call(() -> scheduler.deleteJob(new JobKey(runId, TIMED_RUNS)));
    }

    boolean hasSchedule(String scheduleId) {
        return call(() -> scheduler.checkExists(new TriggerKey(scheduleId, SCHEDULES)));
    }

    /** The trigger's paused state and cron, or null when the schedule has no trigger. */
    Object[] pausedAndCron(String scheduleId) {
        Trigger t = call(() -> scheduler.getTrigger(new TriggerKey(scheduleId, SCHEDULES)));
        if (t == null) {
            return null;
        }
        boolean paused = call(() -> scheduler.getTriggerState(t.getKey()) == Trigger.TriggerState.PAUSED);
        String cron = t instanceof org.quartz.CronTrigger c ? c.getCronExpression() : null;
        return new Object[] {paused, cron};
    }

    Set<JobKey> scheduleJobs() {
        return call(() -> scheduler.getJobKeys(GroupMatcher.jobGroupEquals(SCHEDULES)));
    }

    void pause(String scheduleId) {
        call(() -> {
            scheduler.pauseJob(new JobKey(scheduleId, SCHEDULES));
            return null;
        });
    }

    void resume(String scheduleId) {
        call(() -> {
            scheduler.resumeJob(new JobKey(scheduleId, SCHEDULES));
            return null;
        });
    }

    void delete(String scheduleId) {
        JobKey key = new JobKey(scheduleId, SCHEDULES);
        call(() -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return scheduler.deleteJob(key);
                } catch (SchedulerException e) {
                    // clustered, Quartz reads the job's triggers and then removes them one by one: another
                    // engine firing or updating the trigger in between makes the removal miss ("Unable to
                    // unschedule trigger"); the job is then gone already, or the next attempt removes it
                    if (!scheduler.checkExists(key)) {
                        return true;
                    }
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        });
    }

    /** [next, previous] fire times of a schedule, either may be null. */
    Instant[] fireTimes(String scheduleId) {
        Trigger t = call(() -> scheduler.getTrigger(new TriggerKey(scheduleId, SCHEDULES)));
        if (t == null) {
            return new Instant[] {null, null};
        }
        boolean paused = call(() -> scheduler.getTriggerState(t.getKey()) == Trigger.TriggerState.PAUSED);
        return new Instant[] {paused || t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant(),
                t.getPreviousFireTime() == null ? null : t.getPreviousFireTime().toInstant()};
    }

    private interface QuartzCall<T> {
        T call() throws SchedulerException;
    }

    private static <T> T call(QuartzCall<T> c) {
        try {
            return c.call();
        } catch (SchedulerException e) {
            throw new JobException(JobErrorCode.DATABASE_UNAVAILABLE, "The scheduler failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException ignored) {
            // closing: nothing else to do
        }
    }

    /** The one Quartz job: hands the fire to the engine. */
    public static final class FireJob implements Job {
        private final Callbacks callbacks;

        public FireJob() {
            throw new IllegalStateException("FireJob is created by the engine's job factory");
        }

        FireJob(Callbacks callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public void execute(JobExecutionContext context) {
            String schedule = context.getMergedJobDataMap().getString("schedule");
            if (schedule != null) {
                Date when = context.getScheduledFireTime();
                callbacks.fireSchedule(schedule, when == null ? Instant.now() : when.toInstant());
                return;
            }
            String run = context.getMergedJobDataMap().getString("run");
            if (run != null) {
                callbacks.releaseTimedRun(run);
            }
        }
    }
}
