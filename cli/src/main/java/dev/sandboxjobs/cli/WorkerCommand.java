package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.Jobs;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
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

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, was " + concurrency);
        }
        Duration graceperiod = Output.parseDuration("--grace", grace);
        PrintWriter out = spec.commandLine().getOut();
        SandboxEngine e = engine.open(JobsOptions.defaults().withMaxConcurrentRuns(concurrency));
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            Jobs jobs = e.jobs();
            BuiltInWorkflows.registerAll(jobs);
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
                    all = jobs.shutdown(graceperiod);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException ex) {
                    print(out, "error while stopping: " + ex.getMessage());
                } finally {
                    try {
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
            Runtime.getRuntime().addShutdownHook(hook);
            print(out, Instant.now() + " worker running: pid " + ProcessHandle.current().pid() + ", database "
                    + engine.databaseFile() + ", concurrency " + concurrency
                    + "; stop with SIGTERM or Ctrl-C");
        } catch (RuntimeException ex) {
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
