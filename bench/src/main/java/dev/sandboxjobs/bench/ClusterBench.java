package dev.sandboxjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.storage.Database;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.PrivatePostgres;
import dev.sandboxjobs.storage.run.JobStore;
import dev.sandboxjobs.storage.run.RunRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.postgresql.ds.PGSimpleDataSource;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.DBConnectionManager;

/**
 * Area "cluster": no-op runs/s with 1 and 3 engines on one PostgreSQL database, beside JobRunr on
 * the same PostgreSQL server (its PostgresStorageProvider) and Quartz clustered on it (1 and 3
 * nodes), all in one run on a private server; then the takeover time of a run whose engine JVM is
 * killed with SIGKILL (the process gone, seen at once on the same machine) and frozen with SIGSTOP
 * (only the lease runs out, as when a machine vanishes). On a 2-core machine the engines share the
 * cores: the figures are ratios, not a scaling claim.
 */
final class ClusterBench {
    private static final String AREA = "13. scale-out (no-op runs on PostgreSQL; takeover)";
    private final Main.Config cfg;
    private final Path tmp;
    private final List<Metric> out;

    ClusterBench(Main.Config cfg, Path tmp, List<Metric> out) {
        this.cfg = cfg;
        this.tmp = tmp;
        this.out = out;
    }

    private int runs() {
        return cfg.iterations > 0 ? cfg.iterations : cfg.quick ? 400 : 3000;
    }

    void run() throws Exception {
        PrivatePostgres pg = PrivatePostgres.start();
        int runs = runs();
        double one = ours(pg.newDatabaseUrl(), 1, runs);
        double three = ours(pg.newDatabaseUrl(), 3, runs);
        String name = "completed no-op runs/s (" + runs + " runs, 4 submitters, 8 workers per engine)";
        Metric m1 = Metric.of(AREA, "1 engine: " + name, one, "runs/s");
        Metric m3 = Metric.of(AREA, "3 engines on one database: " + name, three, "runs/s");
        try {
            double j = jobRunr(pg.newDatabaseUrl(), runs);
            out.add(m1.vs("JobRunr " + JobRunr.class.getPackage().getImplementationVersion()
                    + " PostgresStorageProvider, 1 server, 8 workers (poll interval 5 s)", j, true));
        } catch (Throwable e) {
            out.add(m1);
            out.add(Metric.notMeasured(AREA, "JobRunr on PostgreSQL", Main.describe(e)));
        }
        try {
            double q1 = quartz(pg.newDatabaseUrl(), 1, runs);
            out.add(Metric.of(AREA, m1.name(), one, "runs/s").vs("Quartz 2.5 clustered JobStoreTX on PostgreSQL, 1 node,"
                    + " 8 threads", q1, true));
            double q3 = quartz(pg.newDatabaseUrl(), 3, runs);
            out.add(m3.vs("Quartz 2.5 clustered JobStoreTX on PostgreSQL, 3 nodes, 8 threads each", q3, true));
        } catch (Throwable e) {
            out.add(m3);
            out.add(Metric.notMeasured(AREA, "Quartz clustered on PostgreSQL", Main.describe(e)));
        }
        String url = pg.newDatabaseUrl();
        out.add(Metric.of(AREA, "takeover of a run after kill -9 of its engine JVM (same machine: the process is gone)",
                takeover(url, "KILL"), "ms").note("default lease 5 s; target: within 10 s"));
        out.add(Metric.of(AREA, "takeover of a run after SIGSTOP of its engine JVM (lease expiry, as when its machine"
                + " vanishes)", takeover(pg.newDatabaseUrl(), "STOP"), "ms")
                .target("< 10000 ms", true));
    }

    // ---------------------------------------------------------------- ours

    private static double ours(String url, int engines, int runs) throws Exception {
        CountDownLatch done = new CountDownLatch(runs);
        List<JobEngine> engineList = new ArrayList<>();
        List<JobsWorker> all = new ArrayList<>();
        try {
            for (int i = 0; i < engines; i++) {
                JobEngine engine = open(url, JobsOptions.defaults().withMaxConcurrentRuns(8).withRetention(null));
                engineList.add(engine);
                JobsWorker e = engine.worker();
                all.add(e);
                e.register(Workflow.named("noop").step(Step.of("noop", ctx -> StepResult.success())).build());
                e.addListener(new RunListener() {
                    @Override
                    public void onFinished(RunEvent event) {
                        if (event.state() == RunState.SUCCEEDED) {
                            done.countDown();
                        }
                    }
                });
            }
            all.forEach(JobsWorker::start);
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int s = 0; s < 4; s++) {
                int first = s;
                pool.execute(() -> {
                    for (int k = first; k < runs; k += 4) {
                        all.get(k % engines).submit(RunRequest.of("noop").build());
                    }
                });
            }
            pool.shutdown();
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException((runs - done.getCount()) + " of " + runs + " runs done in 5 minutes");
            }
            return runs / ((System.nanoTime() - t0) / 1e9);
        } finally {
            for (JobEngine e : engineList) {
                e.close();
            }
        }
    }

    /** A job engine of its own on the database at {@code url}, which it opens and closes. */
    static JobEngine open(String url, JobsOptions options) {
        return JobEngine.builder().databaseLocation(DatabaseLocation.parse(url)).clock(Clock.systemUTC())
                .objectMapper(new ObjectMapper()).options(options).build();
    }

    // ---------------------------------------------------------------- JobRunr

    private static double jobRunr(String url, int runs) throws Exception {
        DatabaseLocation where = DatabaseLocation.parse(url);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(where.jdbcUrl());
        Properties credentials = credentials(url);
        ds.setUser(credentials.getProperty("user"));
        ds.setPassword(credentials.getProperty("password"));
        JobRunrTarget.started = new java.util.concurrent.atomic.AtomicLongArray(runs);
        StorageProvider storage = new PostgresStorageProvider(ds);
        JobRunr.configure().useStorageProvider(storage)
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                        .andWorkerCount(8).andPollIntervalInSeconds(5))
                .initialize();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (JobRunr.getBackgroundJobServer().isNotReadyToProcessJobs()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JobRunr's BackgroundJobServer was not ready after 60 s");
                }
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int s = 0; s < 4; s++) {
                int first = s;
                pool.execute(() -> {
                    for (int k = first; k < runs; k += 4) {
                        int key = k;
                        BackgroundJob.enqueue(() -> JobRunrTarget.noOp(key));
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (storage.countJobs(StateName.SUCCEEDED) < runs) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("JobRunr did not finish " + runs + " runs in 3 minutes: "
                            + storage.countJobs(StateName.SUCCEEDED) + " succeeded");
                }
                Thread.sleep(20);
            }
            return runs / ((System.nanoTime() - t0) / 1e9);
        } finally {
            JobRunr.destroy();
            storage.close();
        }
    }

    private static Properties credentials(String url) {
        Properties p = new Properties();
        String query = url.substring(url.indexOf('?') + 1);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.setProperty(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- Quartz

    static CountDownLatch quartzDone;

    /** The Quartz job: counts down. */
    public static final class NoOpJob implements org.quartz.Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            // nothing: the listener counts
        }
    }

    private static double quartz(String url, int nodes, int runs) throws Exception {
        quartzDone = new CountDownLatch(runs);
        List<Scheduler> schedulers = new ArrayList<>();
        try (Database db = Database.open(url)) {   // our migrations create Quartz's PostgreSQL tables
          try {
            String name = "bench-cluster-" + System.nanoTime();
            for (int n = 0; n < nodes; n++) {
                String ds = name + "-ds" + n;
                DBConnectionManager.getInstance().addConnectionProvider(ds, new org.quartz.utils.ConnectionProvider() {
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
                p.setProperty("org.quartz.scheduler.instanceName", name);
                p.setProperty("org.quartz.scheduler.instanceId", "node" + n);
                p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
                p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "8");
                p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
                p.setProperty("org.quartz.threadPool.threadCount", "8");
                p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
                p.setProperty("org.quartz.jobStore.dataSource", ds);
                p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
                p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
                p.setProperty("org.quartz.jobStore.isClustered", "true");
                p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "2000");
                p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
                Scheduler s = new StdSchedulerFactory(p).getScheduler();
                SchedulerRepository.getInstance().remove(name);
                s.getListenerManager().addJobListener(new JobListenerSupport() {
                    @Override
                    public String getName() {
                        return "bench";
                    }

                    @Override
                    public void jobWasExecuted(JobExecutionContext context, JobExecutionException e) {
                        quartzDone.countDown();
                    }
                });
                schedulers.add(s);
            }
            for (Scheduler s : schedulers) {
                s.start();
            }
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int first = t;
                pool.execute(() -> {
                    for (int k = first; k < runs; k += 4) {
                        try {
                            schedulers.get(k % nodes).scheduleJob(JobBuilder.newJob(NoOpJob.class).withIdentity("j" + k).build(),
                                    TriggerBuilder.newTrigger().withIdentity("t" + k).startNow().build());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
            pool.shutdown();
            if (!quartzDone.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException((runs - quartzDone.getCount()) + " of " + runs + " Quartz jobs in 5 minutes");
            }
            return runs / ((System.nanoTime() - t0) / 1e9);
          } finally {
            // before the pool closes
            for (Scheduler s : schedulers) {
                s.shutdown(true);
            }
          }
        }
    }

    // ---------------------------------------------------------------- takeover

    /**
     * A child engine JVM runs the second step of a run (a long sleep); it is killed (or frozen) and
     * the time until this process's engine owns the run is measured.
     */
    private double takeover(String url, String signal) throws Exception {
        Path ready = Files.createTempDirectory(tmp, "takeover").resolve("claimed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                TakeoverChild.class.getName(), url, ready.toString())
                .redirectErrorStream(true).redirectOutput(ready.resolveSibling("child.log").toFile()).start();
        try (JobEngine jobEngine = open(url, JobsOptions.defaults())) {
            JobsWorker engine = jobEngine.worker();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(ready)) {
                if (System.nanoTime() > deadline || !child.isAlive()) {
                    throw new IllegalStateException("the child engine did not start its run: "
                            + Files.readString(ready.resolveSibling("child.log")));
                }
                Thread.sleep(20);
            }
            String runId = Files.readString(ready).trim();
            TakeoverChild.register(engine, null);
            engine.start();
            String childOwner;
            try (Database db = Database.open(url)) {
                childOwner = new JobStore(db).runs().find(runId).orElseThrow().owner();
            }
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor();
            if (signal.equals("KILL")) {
                child.waitFor();   // reaped, as by a shell or systemd
            }
            try (Database db = Database.open(url)) {
                JobStore store = new JobStore(db);
                while (true) {
                    RunRow row = store.runs().find(runId).orElseThrow();
                    boolean movedOn = !row.state().equals("RUNNING") || (row.owner() != null
                            && !row.owner().equals(childOwner));
                    if (movedOn) {
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        engine.await(runId, Duration.ofMinutes(1));
                        return ms;
                    }
                    if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(2)) {
                        throw new IllegalStateException("run " + runId + " not taken over in 2 minutes");
                    }
                    Thread.sleep(10);
                }
            }
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The child of {@link #takeover}: an engine that starts a run and sleeps in its second step. */
    public static final class TakeoverChild {
        private TakeoverChild() {
        }

        /** The workflow; with {@code ready}, its second step writes the run id there and sleeps for ever. */
        static void register(JobsClient engine, Path ready) {
            engine.register(Workflow.named("takeover")
                    .step(Step.of("first", ctx -> StepResult.success()))
                    .step(Step.of("second", ctx -> {
                        if (ready != null) {
                            Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
                            Files.writeString(partial, ctx.runId());
                            Files.move(partial, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                            Thread.sleep(Long.MAX_VALUE);
                        }
                        return StepResult.success();
                    })).build());
        }

        public static void main(String[] args) throws Exception {
            JobsWorker engine = open(args[0], JobsOptions.defaults()).worker();
            register(engine, Path.of(args[1]));
            engine.start();
            engine.submit(RunRequest.of("takeover").build());
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
