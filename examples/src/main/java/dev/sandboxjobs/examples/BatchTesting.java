package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunEvent;
import dev.sandboxjobs.engine.workflow.RunListener;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import dev.sandboxjobs.jobs.report.PipelineResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch application: submits many runs of the {@code testing-pipeline} workflow over several
 * local repositories to the job engine, which runs at most {@code concurrency} of them at once
 * (a per-workflow limit of {@link JobsOptions}; the rest wait in the queue), waits for all of
 * them and prints a table of results.
 *
 * <pre>{@code
 * BatchTesting.Batch batch = BatchTesting.run(SandboxEngine.builder(), repos, 50, 4, Duration.ofHours(1), System.out);
 * batch.rows().forEach(row -> System.out.println(row.repository() + " " + row.state()));
 * }</pre>
 *
 * <p>Arguments: {@code [--runs N] [--concurrency C] [REPOSITORY...]} (defaults: 50 runs, 4 at
 * once, and three demo repositories made by {@link DemoRepositories} in a temporary directory,
 * one of them with a failing test). The exit code is 0 when every run succeeded, 1 otherwise.
 */
public final class BatchTesting {
    /** The label that ties a batch's runs together ({@code batch=<id>}). */
    public static final String BATCH_LABEL = "batch";

    private BatchTesting() {}

    /** One run of the batch as it ended. {@code passed}/{@code failed} are -1 when no test ran. */
    public record Row(String runId, String repository, String commit, RunState state, int passed, int failed,
                      Duration duration) {}

    /**
     * The batch: its id (the value of the {@value #BATCH_LABEL} label on its runs), a row per run in
     * submission order, and the most runs that were running at once, read from the stored start
     * and end times.
     */
    public record Batch(String id, List<Row> rows, int peakConcurrency) {
        public long count(RunState state) {
            return rows.stream().filter(r -> r.state() == state).count();
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = 50;
        int concurrency = 4;
        List<String> repos = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value(args, i++));
                case "--concurrency" -> concurrency = Integer.parseInt(value(args, i++));
                default -> repos.add(repository(args[i]));
            }
        }
        if (repos.isEmpty()) {
            Path dir = Files.createTempDirectory("sandbox-jobs-batch-");
            DemoRepositories.create(dir).forEach(p -> repos.add(p.toString()));
            System.out.println("Demo repositories in " + dir + ": " + DemoRepositories.NAMES);
        }
        Batch batch = run(SandboxEngine.builder(), repos, runs, concurrency, Duration.ofHours(2), System.out);
        System.exit(batch.count(RunState.SUCCEEDED) == batch.rows().size() ? 0 : 1);
    }

    /**
     * Builds the engine from {@code builder} with at most {@code concurrency} pipeline runs at once,
     * submits {@code runs} runs (round robin over {@code repositories}: git URLs or absolute paths
     * of local directories), waits up to
     * {@code timeout} for all of them, prints the table to {@code out} and returns the batch.
     */
    public static Batch run(SandboxEngine.Builder builder, List<String> repositories, int runs, int concurrency,
                            Duration timeout, PrintStream out) throws InterruptedException {
        if (repositories.isEmpty() || runs < 1 || concurrency < 1) {
            throw new IllegalArgumentException("need at least one repository, one run and a concurrency of 1 or more");
        }
        JobsOptions options = JobsOptions.defaults()
                .withWorkflowLimits(Map.of(TestingPipelineWorkflow.NAME, concurrency));
        try (SandboxEngine engine = builder.build();
             JobEngine jobEngine = JobEngine.builder().sandboxEngine(engine).options(options).build()) {
            JobsWorker jobs = jobEngine.worker();
            BuiltInWorkflows.registerAll(jobs, new TestingPipelineWorkflow.Images(engine.image(),
                    TestingPipelineWorkflow.Images.defaults().full()));
            String batchId = UUID.randomUUID().toString().substring(0, 8);
            AtomicInteger finished = new AtomicInteger();
            int total = runs;
            jobs.addListener(new RunListener() {
                @Override
                public void onFinished(RunEvent event) {
                    if (batchId.equals(jobs.get(event.runId()).labels().get(BATCH_LABEL))) { // not older queued runs
                        out.printf(Locale.ROOT, "  finished %s %s (%d/%d)%n", event.runId(), event.state(),
                                finished.incrementAndGet(), total);
                    }
                }
            });
            jobs.start();

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String repo = repositories.get(i % repositories.size());
                ids.add(jobs.submit(TestingPipelineWorkflow.request(PipelineRequest.builder(repo)
                                .build())
                        .label(BATCH_LABEL, batchId).build()).id());
            }
            out.printf(Locale.ROOT, "Batch %s: %d runs of %s over %d repositories, at most %d at once%n", batchId, runs,
                    TestingPipelineWorkflow.NAME, repositories.size(), concurrency);

            Instant deadline = Instant.now().plus(timeout);
            List<Run> done = new ArrayList<>();
            for (String id : ids) {
                Duration left = Duration.between(Instant.now(), deadline);
                done.add(jobs.await(id, left.isNegative() ? Duration.ZERO : left));
            }
            List<Row> rows = done.stream().map(BatchTesting::row).toList();
            Batch batch = new Batch(batchId, rows, peakConcurrency(done));
            print(batch, out);
            return batch;
        }
    }

    private static Row row(Run run) {
        String location = run.parameters().path("repository").asText().replaceAll("/+$", "");
        String repo = location.substring(location.lastIndexOf('/') + 1).replaceAll("\\.git$", "");
        PipelineResult result = TestingPipelineWorkflow.result(run).orElse(null);
        String commit = result == null || result.commit() == null ? "-" : result.commit();
        int passed = result == null || result.tests() == null ? -1 : result.tests().passed();
        int failed = result == null || result.tests() == null ? -1 : result.tests().failed();
        Duration duration = run.startedAt() == null || run.finishedAt() == null ? null
                : Duration.between(run.startedAt(), run.finishedAt());
        return new Row(run.id(), repo, commit, run.state(), passed, failed, duration);
    }

    /**
     * The most runs whose [start, end] intervals overlap. The engine records a run's end before it
     * gives back its slot, so an end and a start at the same instant do not overlap.
     */
    static int peakConcurrency(List<Run> runs) {
        record Edge(Instant at, int delta) {}
        List<Edge> edges = new ArrayList<>();
        for (Run r : runs) {
            if (r.startedAt() != null && r.finishedAt() != null) {
                edges.add(new Edge(r.startedAt(), 1));
                edges.add(new Edge(r.finishedAt(), -1));
            }
        }
        edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
        int now = 0;
        int peak = 0;
        for (Edge e : edges) {
            now += e.delta();
            peak = Math.max(peak, now);
        }
        return peak;
    }

    static void print(Batch batch, PrintStream out) {
        String format = "%-12s  %-12s  %-9s  %6s  %6s  %8s  %s%n";
        out.println();
        out.printf(Locale.ROOT, format, "REPOSITORY", "COMMIT", "STATE", "PASSED", "FAILED", "DURATION", "RUN");
        for (Row r : batch.rows()) {
            out.printf(Locale.ROOT, format, r.repository(), r.commit().length() > 12 ? r.commit().substring(0, 12)
                            : r.commit(), r.state(), r.passed() < 0 ? "-" : r.passed(), r.failed() < 0 ? "-" : r.failed(),
                    r.duration() == null ? "-" : String.format(Locale.ROOT, "%.1f s", r.duration().toMillis() / 1000.0),
                    r.runId());
        }
        out.println();
        out.printf(Locale.ROOT, "%d runs: %d succeeded, %d failed, %d other; at most %d ran at once%n",
                batch.rows().size(), batch.count(RunState.SUCCEEDED), batch.count(RunState.FAILED),
                batch.rows().size() - batch.count(RunState.SUCCEEDED) - batch.count(RunState.FAILED),
                batch.peakConcurrency());
    }

    /** A git URL as it is, a directory as an absolute path (the engine needs one). */
    static String repository(String argument) {
        return argument.contains("://") || argument.startsWith("git@") ? argument
                : Path.of(argument).toAbsolutePath().normalize().toString();
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }
}
