package dev.sandboxjobs.jobs;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.LogSink;
import dev.sandboxjobs.engine.workflow.ParameterValidator;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The workflows that ship with Sandbox Jobs, registered by the command line (and by any
 * application that wants them) on a {@link JobsClient} (a worker or a client):
 *
 * <ul>
 *   <li>{@code testing-pipeline} — clone, install, test and report a repository in a fresh sandbox
 *       ({@link TestingPipelineWorkflow}; parameters: a {@code PipelineRequest}).</li>
 *   <li>{@code exec} — parameter {@code command}: runs that shell line in the run's own sandbox
 *       (the default runtime image); its output goes to the run's log line by line, and the result
 *       is {@code {exitCode, stdout, stderr}} (each stream capped at 16 KiB). A non-zero exit code
 *       fails the run (a verdict, not retried). Optional parameter {@code artifacts}: paths in the
 *       sandbox, separated by commas, kept as the run's artifacts (under their file names) after the
 *       command, whatever its exit code; a path that does not exist is logged and skipped.</li>
 * </ul>
 *
 * <pre>{@code
 * JobsWorker jobs = JobEngine.over(engine).worker();
 * BuiltInWorkflows.registerAll(jobs);   // in every process that runs jobs on the database, before start()
 * jobs.start();
 * jobs.submit(RunRequest.of("exec").parameters(Map.of("command", "uname -a")).build());
 * }</pre>
 */
public final class BuiltInWorkflows {
    /** The name of the workflow that runs one shell command. */
    public static final String EXEC = "exec";

    private static final int RESULT_CAP = 16 * 1024;

    private BuiltInWorkflows() {}

    /**
     * Registers every built-in workflow (replacing workflows of the same names) with default images
     * ({@code sandbox-jobs/runtime:<version>} and {@code sandbox-jobs/runtime-full:<version>}, made by
     * {@code ./sandbox-jobs setup [--full]}).
     */
    public static void registerAll(JobsClient jobs) {
        registerAll(jobs, TestingPipelineWorkflow.Images.defaults());
    }

    /** Registers every built-in workflow; the testing pipeline runs in {@code images}. */
    public static void registerAll(JobsClient jobs, TestingPipelineWorkflow.Images images) {
        Objects.requireNonNull(jobs, "jobs");
        jobs.register(TestingPipelineWorkflow.create(images));
        jobs.register(exec());
    }

    /** The {@code exec} workflow (see the class documentation). */
    public static Workflow exec() {
        return Workflow.named(EXEC)
                .parameters(ParameterValidator.required("command"))
                .sandbox(SandboxSpec.image(SandboxEngine.defaultImage()))
                .step(Step.of("exec", ctx -> {
                    String command = ctx.parameter("command", String.class).orElseThrow();
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    LineLogger out = new LineLogger(ctx.log(), "stdout");
                    LineLogger err = new LineLogger(ctx.log(), "stderr");
                    ExecResult r = sandbox.exec(command, ExecOptions.builder()
                            .onOutput((stream, data) -> (stream == StreamType.STDERR ? err : out).accept(data))
                            .build());
                    out.flush();
                    err.flush();
                    for (String path : ctx.parameter("artifacts", String.class).orElse("").split(",")) {
                        if (path.isBlank()) {
                            continue;
                        }
                        String p = path.trim();
                        try {
                            ctx.artifacts().put(p.substring(p.lastIndexOf('/') + 1), sandbox.readFileBytes(p));
                        } catch (SandboxJobsException e) {
                            // a missing file (the SDK's error) or an artifact too large (the job engine's)
                            ctx.log().info("artifact " + p + " not kept: " + e.getMessage());
                        }
                    }
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("exitCode", r.exitCode());
                    result.put("stdout", cap(r.stdout()));
                    result.put("stderr", cap(r.stderr()));
                    return r.success() ? StepResult.success(result)
                            : StepResult.failure("the command exited with " + r.exitCode(), result);
                }))
                .build();
    }

    private static String cap(String s) {
        return s.length() <= RESULT_CAP ? s : s.substring(0, RESULT_CAP) + "\n…[cut]";
    }

    /** Turns output chunks into whole log lines. */
    private static final class LineLogger {
        private final LogSink sink;
        private final String stream;
        private final StringBuilder pending = new StringBuilder();

        LineLogger(LogSink sink, String stream) {
            this.sink = sink;
            this.stream = stream;
        }

        synchronized void accept(String chunk) {
            pending.append(chunk);
            int nl;
            while ((nl = pending.indexOf("\n")) >= 0) {
                sink.write(stream, pending.substring(0, nl));
                pending.delete(0, nl + 1);
            }
        }

        synchronized void flush() {
            if (pending.length() > 0) {
                sink.write(stream, pending.toString());
                pending.setLength(0);
            }
        }
    }
}
