package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.LogFollow;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Queues a run of a workflow and prints its id. A running `sandbox-jobs worker` on the same"
                + " database picks it up within a second. With --wait it follows the run's log until the run ends"
                + " (running the engine in this process when no worker runs).",
                "Exit codes: 0 queued (or, with --wait, succeeded), 1 the run did not succeed, 2 bad usage,"
                        + " 3 an infrastructure fault."})
final class SubmitCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Parameters(index = "0", paramLabel = "WORKFLOW", description = "A registered workflow, e.g. exec.")
    String workflow;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A parameter (a string); repeatable.")
    List<String> params = new ArrayList<>();

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "A label to find the run by; repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "A second submit with this key returns the first run instead of queuing another.")
    String idempotencyKey;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Run the workflow's sandbox from this image.")
    String image;

    @Option(names = "--wait", description = "Follow the run's log until it ends; exit 1 unless it succeeded.")
    boolean waitForEnd;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        RunRequest request = request(workflow, params, labels, image).idempotencyKey(idempotencyKey).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean workerRuns = engine.workerRuns();
        if (!waitForEnd || workerRuns) {
            // the database alone: no Docker connection in this process
            try (JobsClient client = engine.openClient()) {
                BuiltInWorkflows.registerAll(client);
                if (waitForEnd) {
                    return submitAndFollow(client, request, out);
                }
                Run run = client.submit(request);
                out.println(run.id());
                out.flush();
                if (!workerRuns) {
                    err.println("note: no worker runs on " + engine.database() + "; the run waits in the queue."
                            + " Start one with `sandbox-jobs worker`, or submit with --wait to run it here.");
                }
                return Main.OK;
            }
        }
        // a one-shot engine: it runs the run it submits and nothing else (pinned), so a worker started
        // meanwhile on the same database does not take it, and this process takes none of theirs
        try (SandboxEngine e = engine.open();
             JobEngine jobEngine = EngineOptions.jobs(e, JobsOptions.defaults().withPinnedSubmissions(true))) {
            JobsWorker local = inProcess(jobEngine);
            if (local == null) {
                JobsClient client = jobEngine.client();
                BuiltInWorkflows.registerAll(client);
                return submitAndFollow(client, request, out);
            }
            BuiltInWorkflows.registerAll(local);
            err.println("note: no worker runs on " + engine.database() + "; running the engine in this process"
                    + " until the run ends.");
            err.flush();
            local.start();
            int code = submitAndFollow(local, request, out);
            local.shutdown(Duration.ofSeconds(10));
            return code;
        }
    }

    private static int submitAndFollow(JobsClient jobs, RunRequest request, PrintWriter out) throws InterruptedException {
        Run run = jobs.submit(request);
        out.println(run.id());
        out.flush();
        Run done = follow(jobs, run.id(), out);
        out.println(Output.runLine(done));
        out.flush();
        return done.state() == RunState.SUCCEEDED ? Main.OK : Main.FAILED;
    }

    /** The engine's own jobs, or null when a worker took the database in the meantime. */
    private static JobsWorker inProcess(JobEngine jobEngine) {
        try {
            return jobEngine.worker();
        } catch (JobException ex) {
            if (ex.code() == JobErrorCode.DATABASE_LOCKED) {
                return null;
            }
            throw ex;
        }
    }

    /** Prints the run's log live until the run ends; returns the run then. */
    static Run follow(JobsClient jobs, String runId, PrintWriter out) throws InterruptedException {
        try (LogFollow follow = jobs.followLogs(runId, line -> {
            synchronized (out) {
                out.println(RunsCommand.logLine(line));
                out.flush();
            }
        })) {
            while (!follow.awaitEnd(Duration.ofSeconds(1))) {
                // the follower ends when the run is over and its last lines are printed
            }
        }
        return jobs.await(runId, Duration.ofSeconds(30));
    }

    static RunRequest.Builder request(String workflow, List<String> params, List<String> labels, String image) {
        Map<String, String> parameters = Output.pairs("--param", params);
        RunRequest.Builder request = RunRequest.of(workflow).parameters(parameters)
                .labels(Output.pairs("--label", labels));
        if (image != null) {
            request.sandbox(SandboxSpec.image(image));
        }
        return request;
    }
}
