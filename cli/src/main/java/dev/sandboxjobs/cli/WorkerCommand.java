package dev.sandboxjobs.cli;

import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs the job engine in the foreground: executes queued runs (submitted by any process on"
                + " the same database) and fires schedules, printing one line per run start and finish, until"
                + " SIGTERM or SIGINT (Ctrl-C). Then it starts nothing new, gives the runs in flight the grace period"
                + " to finish, and exits; runs still running are resumed by the next worker (nothing is lost).",
                "One worker at a time per database."})
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Runs (hence sandboxes) at once (default 4).")
    int concurrency;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long runs in flight may finish after SIGTERM/SIGINT (default 30s).")
    String grace;

    @Option(names = "--dashboard", paramLabel = "PORT", arity = "0..1", fallbackValue = "0",
            description = "Also serve the web dashboard, on PORT (a free one when no PORT is given); it prints its URL,"
                    + " which carries the admin token. See `sandbox-jobs dashboard --help`.")
    Integer dashboardPort;

    @Option(names = "--dashboard-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "The address the dashboard listens on (default 127.0.0.1: this machine only).")
    String dashboardBind;

    @Option(names = "--metrics", paramLabel = "INTERVAL", arity = "0..1", fallbackValue = "60s",
            description = "Print the library's meters (runs by state, queue, command latency by outcome, sandboxes,"
                    + " reaped orphans) as one line every INTERVAL (default 60s) and at stop; with --dashboard its"
                    + " overview shows them too.")
    String metricsEvery;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (dashboardPort != null && (dashboardPort < 0 || dashboardPort > 65535)) {
            throw new IllegalArgumentException("--dashboard takes a port between 0 and 65535, was " + dashboardPort);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, was " + concurrency);
        }
        Duration graceperiod = Output.parseDuration("--grace", grace);
        Duration metricsPeriod = metricsEvery == null ? null : Output.parseDuration("--metrics", metricsEvery);
        if (metricsPeriod != null && metricsPeriod.toMillis() < 1000) {
            throw new IllegalArgumentException("--metrics takes an interval of 1s or more, was " + metricsEvery);
        }
        PrintWriter out = spec.commandLine().getOut();
        SandboxEngine e = engine.open();
        JobEngine jobEngine;
        try {
            jobEngine = EngineOptions.jobs(e, JobsOptions.defaults().withMaxConcurrentRuns(concurrency));
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Dashboard[] dashboard = new Dashboard[1];
        WorkerMetrics[] metrics = new WorkerMetrics[1];
        ScheduledExecutorService metricsTimer = metricsPeriod == null ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "sandbox-jobs-worker-metrics");
                    t.setDaemon(true);
                    return t;
                });
        try {
            JobsWorker jobs = jobEngine.worker();
            BuiltInWorkflows.registerAll(jobs);
            if (metricsPeriod != null) {
                metrics[0] = new WorkerMetrics(jobs, e);
            }
            jobs.addListener(new RunListener() {
                @Override
                public void onStarted(RunEvent event) {
                    print(out, Instant.now() + " started  " + event.runId() + " " + event.workflow());
                }

                @Override
                public void onFinished(RunEvent event) {
                    String line;
                    try {
                        line = Output.runLine(jobs.get(event.runId()));
                    } catch (RuntimeException ex) {
                        line = event.runId() + " " + event.state();
                    }
                    print(out, Instant.now() + " finished " + line);
                }
            });
            Thread hook = new Thread(() -> {
                print(out, Instant.now() + " stopping: no new runs; waiting up to " + Output.seconds(graceperiod)
                        + " for runs in flight");
                boolean all = false;
                try {
                    if (dashboard[0] != null) {
                        dashboard[0].close();
                    }
                    all = jobs.shutdown(graceperiod);
                    if (metrics[0] != null) {
                        metricsTimer.shutdownNow();
                        print(out, Instant.now() + " metrics  " + metrics[0].line());
                        metrics[0].close();
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException ex) {
                    print(out, "error while stopping: " + ex.getMessage());
                } finally {
                    try {
                        jobEngine.close();
                        e.close();
                    } catch (RuntimeException ex) {
                        print(out, "error while closing: " + ex.getMessage());
                    }
                    print(out, Instant.now() + " worker stopped" + (all ? ""
                            : "; runs still running are resumed by the next worker"));
                    stopped.countDown();
                }
            }, "sandbox-jobs-worker-shutdown");
            jobs.start();
            if (dashboardPort != null) {
                Dashboard.Builder b = DashboardOptions.tokens(Dashboard.builder(jobs), System.getenv()).sandboxes(e)
                        .bindAddress(dashboardBind).port(dashboardPort);
                if (metrics[0] != null) {
                    b.metrics(metrics[0].readings());
                }
                dashboard[0] = b.start();
            }
            if (metrics[0] != null) {
                WorkerMetrics m = metrics[0];
                metricsTimer.scheduleAtFixedRate(() -> print(out, Instant.now() + " metrics  " + m.line()),
                        metricsPeriod.toMillis(), metricsPeriod.toMillis(), TimeUnit.MILLISECONDS);
            }
            Runtime.getRuntime().addShutdownHook(hook);
            print(out, Instant.now() + " worker running: pid " + ProcessHandle.current().pid() + ", database "
                    + engine.database() + ", concurrency " + concurrency
                    + "; stop with SIGTERM or Ctrl-C");
            if (dashboard[0] != null) {
                DashboardOptions.warnIfExposed(dashboardBind, spec.commandLine().getErr());
                print(out, DashboardOptions.line(dashboard[0], engine.database()));
            }
        } catch (RuntimeException ex) {
            if (metricsTimer != null) {
                metricsTimer.shutdownNow();
            }
            if (metrics[0] != null) {
                metrics[0].close();
            }
            if (dashboard[0] != null) {
                dashboard[0].close();
            }
            jobEngine.close();
            e.close();
            throw ex;
        }
        stopped.await();
        return Main.OK;
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
