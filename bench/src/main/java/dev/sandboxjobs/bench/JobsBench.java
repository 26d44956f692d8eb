package dev.sandboxjobs.bench;

import dev.sandboxjobs.engine.workflow.bench.NoOpThroughput;
import dev.sandboxjobs.engine.workflow.bench.SandboxedThroughput;
import dev.sandboxjobs.engine.workflow.internal.SqliteDelegate;
import dev.sandboxjobs.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.sqlite.SqLiteStorageProvider;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.DBConnectionManager;
import org.sqlite.SQLiteDataSource;

/** Job areas: no-op throughput/latency vs JobRunr and Quartz on SQLite; sandboxed runs/s. */
final class JobsBench {
    private final Main.Config cfg;
    private final Path tmp;
    private final List<Metric> out;

    JobsBench(Main.Config cfg, Path tmp, List<Metric> out) {
        this.cfg = cfg;
        this.tmp = tmp;
        this.out = out;
    }

    int runs() {
        return cfg.iterations > 0 ? cfg.iterations : cfg.quick ? 600 : 10000;
    }

    int latencyRuns() {
        return cfg.iterations > 0 ? cfg.iterations : cfg.quick ? 200 : 1000;
    }

    /** Ours: the engine's no-op harness entry (4 submitters, 8 concurrent runs, paced at 100/s for latency). */
    NoOpThroughput.Result ours() throws Exception {
        NoOpThroughput.Result r = NoOpThroughput.run(Files.createTempDirectory(tmp, "ours").resolve("b.db"),
                runs(), 4, latencyRuns(), 100, 8);
        return r;
    }

    void noop() throws Exception {
        String area = "7. jobs (no-op, no sandbox, SQLite)";
        NoOpThroughput.Result o = ours();
        Metric rps = Metric.of(area, "completed runs/s (" + runs() + " runs, 4 submitters, 8 workers)", o.runsPerSecond(), "runs/s")
                .target(">= 500 runs/s", o.runsPerSecond() >= 500);
        Metric p50 = Metric.of(area, "submit -> start p50 (paced " + latencyRuns() + " runs)", o.p50Millis(), "ms")
                .target("< 50 ms", o.p50Millis() < 50);
        Metric p99 = Metric.of(area, "submit -> start p99 (paced " + latencyRuns() + " runs)", o.p99Millis(), "ms");
        if (cfg.iterations > 0) { // smoke mode: ours only
            out.add(rps);
            out.add(p50);
            return;
        }
        try {
            double[] j = jobRunr();
            out.add(rps.vs("JobRunr " + JobRunr.class.getPackage().getImplementationVersion() + " SqLiteStorageProvider", j[0], true));
            out.add(p50.vs("JobRunr (poll interval 5 s, its minimum)", j[1], false));
            out.add(p99.vs("JobRunr (poll interval 5 s, its minimum)", j[2], false));
        } catch (Throwable e) {
            out.add(rps);
            out.add(p50);
            out.add(p99);
            out.add(Metric.notMeasured(area, "JobRunr on SQLite", Main.describe(e)));
        }
        try {
            double[] q = quartz();
            Metric qr = Metric.of(area, rps.name(), o.runsPerSecond(), "runs/s").vs("Quartz 2.5 JDBC JobStoreTX on SQLite", q[0], true);
            out.add(quartzNote == null ? qr : qr.note("Quartz: " + quartzNote));
            if (quartzNote != null) {
                return;
            }
            out.add(Metric.of(area, p50.name(), o.p50Millis(), "ms").vs("Quartz 2.5 JDBC JobStoreTX on SQLite", q[1], false));
            out.add(Metric.of(area, p99.name(), o.p99Millis(), "ms").vs("Quartz 2.5 JDBC JobStoreTX on SQLite", q[2], false));
        } catch (Throwable e) {
            out.add(Metric.notMeasured(area, "Quartz on SQLite", Main.describe(e)));
        }
    }

    // ---------------------------------------------------------------- JobRunr

    private double[] jobRunr() throws Exception {
        int runs = runs() / 2;
        int lat = latencyRuns() / 2;
        int total = runs + lat;
        JobRunrTarget.started = new AtomicLongArray(total);
        long[] submitted = new long[total];
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + Files.createTempDirectory(tmp, "jobrunr").resolve("jobrunr.db"));
        ds.setJournalMode("WAL");
        ds.setBusyTimeout(10_000);
        StorageProvider storage = new SqLiteStorageProvider(ds);
        JobRunr.configure().useStorageProvider(storage)
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(8).andPollIntervalInSeconds(5))
                .initialize();
        try {
            awaitJobRunrReady(storage);
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int s = 0; s < 4; s++) {
                int first = s;
                pool.execute(() -> {
                    for (int k = first; k < runs; k += 4) {
                        int key = k;
                        submitted[key] = System.nanoTime();
                        BackgroundJob.enqueue(() -> JobRunrTarget.noOp(key));
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            long lastLog = System.nanoTime();
            while (storage.countJobs(StateName.SUCCEEDED) < runs) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JobRunr did not finish " + runs + " runs in 2 minutes: "
                            + storage.countJobs(StateName.SUCCEEDED) + " succeeded, "
                            + storage.countJobs(StateName.FAILED) + " failed");
                }
                if (System.nanoTime() - lastLog > 5e9) {
                    lastLog = System.nanoTime();
                    System.err.println("[bench] JobRunr: " + storage.countJobs(StateName.SUCCEEDED) + " succeeded, "
                            + storage.countJobs(StateName.ENQUEUED) + " enqueued, " + storage.countJobs(StateName.FAILED) + " failed");
                }
                Thread.sleep(20);
            }
            long t1 = System.nanoTime();
            long interval = TimeUnit.MILLISECONDS.toNanos(50);
            long next = System.nanoTime();
            for (int k = runs; k < total; k++) {
                while (System.nanoTime() < next) {
                    Thread.onSpinWait();
                }
                int key = k;
                submitted[key] = System.nanoTime();
                BackgroundJob.enqueue(() -> JobRunrTarget.noOp(key));
                next += interval;
            }
            while (storage.countJobs(StateName.SUCCEEDED) < total) {
                if (System.nanoTime() > deadline + TimeUnit.MINUTES.toNanos(1)) {
                    throw new IllegalStateException("JobRunr paced runs did not finish");
                }
                Thread.sleep(20);
            }
            List<Double> ms = new ArrayList<>();
            for (int k = runs; k < total; k++) {
                ms.add(Stats.ms(JobRunrTarget.started.get(k) - submitted[k]));
            }
            Stats s = new Stats(ms);
            return new double[] {runs / ((t1 - t0) / 1e9), s.p(0.5), s.p(0.99)};
        } finally {
            JobRunr.destroy();
            storage.close();
        }
    }

    /**
     * Waits until the BackgroundJobServer may process jobs, as an application would start its server before its
     * first request. JobRunr 7 processes nothing until its one-shot startup tasks have written the
     * {@code database_version} metadata (BackgroundJobServer.isNotReadyToProcessJobs); enqueueing from 4 threads
     * while those tasks run made their read-then-write transaction fail with SQLITE_BUSY_SNAPSHOT (busy_timeout
     * does not apply to it), the executor swallowed the exception, and the server then never processed a job.
     */
    private static void awaitJobRunrReady(StorageProvider storage) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (JobRunr.getBackgroundJobServer().isNotReadyToProcessJobs()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("JobRunr's BackgroundJobServer was not ready to process jobs after 60 s"
                        + " (database_version metadata: " + storage.getMetadata("database_version", "cluster") + ")");
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- Quartz

    static AtomicLongArray qStarted;

    /** The Quartz job: records when it started. */
    public static final class NoOpJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            qStarted.compareAndSet(context.getMergedJobDataMap().getInt("k"), 0, System.nanoTime());
        }
    }

    private String quartzNote;

    private double[] quartz() throws Exception {
        int runs = runs() / 2;
        int lat = latencyRuns() / 2;
        int total = runs + lat;
        qStarted = new AtomicLongArray(total);
        long[] submitted = new long[total];
        CountDownLatch burst = new CountDownLatch(runs);
        CountDownLatch paced = new CountDownLatch(lat);
        try (Database db = Database.openSqlite(Files.createTempDirectory(tmp, "quartz").resolve("q.db"))) {
            DBConnectionManager.getInstance().addConnectionProvider("benchq", new org.quartz.utils.ConnectionProvider() {
                @Override
                public java.sql.Connection getConnection() throws java.sql.SQLException {
                    return db.dataSource().getConnection();
                }

                @Override
                public void shutdown() {
                }

                @Override
                public void initialize() {
                }
            });
            Properties p = new Properties();
            p.setProperty("org.quartz.scheduler.instanceName", "bench-quartz");
            p.setProperty("org.quartz.scheduler.instanceId", "bench");
            p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
            p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "8");
            p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
            p.setProperty("org.quartz.threadPool.threadCount", "8");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.dataSource", "benchq");
            p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
            p.setProperty("org.quartz.jobStore.useProperties", "false"); // the job data holds an int
            p.setProperty("org.quartz.jobStore.driverDelegateClass", SqliteDelegate.class.getName());
            p.setProperty("org.quartz.jobStore.lockHandler.class", "org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore");
            Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
            scheduler.getListenerManager().addJobListener(new JobListenerSupport() {
                @Override
                public String getName() {
                    return "bench";
                }

                @Override
                public void jobWasExecuted(JobExecutionContext context, JobExecutionException e) {
                    int k = context.getMergedJobDataMap().getInt("k");
                    (k < runs ? burst : paced).countDown();
                }
            });
            scheduler.start();
            try {
                long t0 = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                for (int s = 0; s < 4; s++) {
                    int first = s;
                    pool.execute(() -> {
                        for (int k = first; k < runs; k += 4) {
                            submitted[k] = System.nanoTime();
                            schedule(scheduler, k);
                        }
                    });
                }
                pool.shutdown();
                boolean finished = burst.await(cfg.quick ? 60 : 300, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                long completed = runs - burst.getCount();
                if (!finished) {
                    quartzNote = "only " + completed + " of " + runs + " runs completed before the harness gave up after "
                            + (cfg.quick ? 60 : 300) + " s; latency not measured";
                    return new double[] {completed / ((t1 - t0) / 1e9), Double.NaN, Double.NaN};
                }
                long interval = TimeUnit.MILLISECONDS.toNanos(50);
                long next = System.nanoTime();
                for (int k = runs; k < total; k++) {
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                    submitted[k] = System.nanoTime();
                    schedule(scheduler, k);
                    next += interval;
                }
                if (!paced.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("Quartz paced runs did not finish");
                }
                List<Double> ms = new ArrayList<>();
                for (int k = runs; k < total; k++) {
                    ms.add(Stats.ms(qStarted.get(k) - submitted[k]));
                }
                Stats st = new Stats(ms);
                return new double[] {runs / ((t1 - t0) / 1e9), st.p(0.5), st.p(0.99)};
            } finally {
                scheduler.shutdown(true);
            }
        }
    }

    private static void schedule(Scheduler scheduler, int k) {
        try {
            scheduler.scheduleJob(JobBuilder.newJob(NoOpJob.class).withIdentity("j" + k).usingJobData("k", k).build(),
                    TriggerBuilder.newTrigger().withIdentity("t" + k).startNow().build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- 8. sandboxed

    void sandboxed(String image) throws Exception {
        int runs = cfg.quick ? 12 : 40;
        String area = "8. sandboxed jobs (one step exec true, per-run sandbox)";
        // before (no pool: a container created per run) and after (warmPool(4)), back to back in this run
        SandboxedThroughput.Result cold = SandboxedThroughput.run(Files.createTempDirectory(tmp, "sandboxed"), runs, 4, image, 0);
        SandboxedThroughput.Result warm = SandboxedThroughput.run(Files.createTempDirectory(tmp, "sandboxed-pool"), runs, 4, image, 4);
        out.add(Metric.of(area, "completed runs/s at concurrency 4 (" + runs + " runs), warmPool(4)", warm.runsPerSecond(), "runs/s")
                .vs("same, no warm pool (container created per run)", cold.runsPerSecond(), true)
                .target(">= 10 runs/s", warm.runsPerSecond() >= 10)
                .note("SandboxEngine.builder().warmPool(4, SandboxSpec.defaults().options()) (the runs' kind of sandbox),"
                        + " full before the first submit; a run beyond the pool waits for a container the pool is starting;"
                        + " the container is removed in the background after the run's finish event (not measured)"));
        out.add(Metric.of(area, "run duration (start -> finish, the container's removal follows) p50, warmPool(4)", warm.p50Millis(), "ms")
                .vs("same, no warm pool", cold.p50Millis(), false)
                .target("< 300 ms", warm.p50Millis() < 300));
        out.add(Metric.of(area, "run duration p99, warmPool(4)", warm.p99Millis(), "ms")
                .vs("same, no warm pool", cold.p99Millis(), false));
    }
}
