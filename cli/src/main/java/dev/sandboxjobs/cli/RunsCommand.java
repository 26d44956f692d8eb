package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.CancelResult;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.StepRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists, shows, follows, cancels runs and fetches their artifacts (the database alone: works"
                + " while a worker runs, and without Docker).",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Logs.class,
                RunsCommand.Cancel.class, RunsCommand.Artifacts.class})
final class RunsCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing command: list, show, logs, cancel or artifacts");
    }

    static String logLine(LogLine line) {
        return String.format(Locale.ROOT, "%-10s %-6s %s", line.step() == null ? "-" : line.step(), line.stream(),
                line.text());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists runs, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Option(names = "--state", paramLabel = "STATE", split = ",",
                description = "Only runs in these states: queued, running, succeeded, failed, cancelled, timed_out.")
        List<String> states = new ArrayList<>();

        @Option(names = "--workflow", paramLabel = "W", description = "Only runs of this workflow.")
        String workflow;

        @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Only runs with this label.")
        String label;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N runs (default 50).")
        int limit;

        @Option(names = "--json", description = "Print the runs as a JSON array.")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("--limit must be within 1..1000, was " + limit);
            }
            RunQuery query = RunQuery.all().limit(limit);
            if (!states.isEmpty()) {
                query = query.inStates(states.stream().map(RunsCommand::state).toArray(RunState[]::new));
            }
            if (workflow != null) {
                query = query.withWorkflow(workflow);
            }
            if (label != null) {
                Map.Entry<String, String> l = Output.pairs("--label", List.of(label)).entrySet().iterator().next();
                query = query.withLabel(l.getKey(), l.getValue());
            }
            PrintWriter out = spec.commandLine().getOut();
            try (JobsClient jobs = engine.openClient()) {
                Page<Run> page = jobs.list(query);
                if (json) {
                    out.println(Output.json(page.items()));
                    return Main.OK;
                }
                if (page.items().isEmpty()) {
                    out.println("No runs.");
                    return Main.OK;
                }
                out.println(String.format(Locale.ROOT, "%-40s  %-16s  %-9s  %-19s  %s", "ID", "WORKFLOW", "STATE",
                        "CREATED", "DURATION"));
                for (Run r : page.items()) {
                    out.println(String.format(Locale.ROOT, "%-40s  %-16s  %-9s  %-19s  %s", r.id(), r.workflow(),
                            r.state(), Output.time(r.createdAt()), Output.duration(r.startedAt(), r.finishedAt())));
                }
                if (page.nextPageToken() != null) {
                    out.println("(more: raise --limit)");
                }
            }
            return Main.OK;
        }
    }

    static RunState state(String s) {
        try {
            return RunState.valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--state takes queued, running, succeeded, failed, cancelled or"
                    + " timed_out, got \"" + s + "\"");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows a run: its state, timings, parameters, failure, and each step.")
    static final class Show implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (JobsClient jobs = engine.openClient()) {
                Run r = jobs.get(runId);
                if (json) {
                    out.println(Output.json(r));
                    return Main.OK;
                }
                out.println("Run         " + r.id());
                out.println("Workflow    " + r.workflow());
                out.println("State       " + r.state());
                out.println("Attempt     " + r.attempt() + " of " + r.maxAttempts());
                out.println("Created     " + Output.time(r.createdAt()));
                out.println("Started     " + Output.time(r.startedAt()));
                out.println("Finished    " + Output.time(r.finishedAt()));
                out.println("Duration    " + Output.duration(r.startedAt(), r.finishedAt()));
                out.println("Parameters  " + r.parameters());
                if (!r.labels().isEmpty()) {
                    out.println("Labels      " + r.labels());
                }
                if (r.scheduleId() != null) {
                    out.println("Schedule    " + r.scheduleId());
                }
                if (r.sandboxId() != null) {
                    out.println("Sandbox     " + r.sandboxId());
                }
                if (r.failure() != null) {
                    out.println("Failure     " + r.failure().type() + ": " + r.failure().message());
                }
                out.println("Steps");
                for (StepRun s : r.steps()) {
                    out.println(String.format(Locale.ROOT, "  %-12s %-9s attempt %d  %s%s", s.name(), s.state(),
                            s.attempt(), Output.duration(s.startedAt(), s.finishedAt()),
                            s.failure() == null ? "" : "  " + s.failure().message()));
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Prints a run's log lines (step, stream, text); -f follows them live until the run ends.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--step", paramLabel = "S", description = "Only this step's lines.")
        String step;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the run ends.")
        boolean follow;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try (JobsClient jobs = engine.openClient()) {
                Run run = jobs.get(runId);
                if (step != null && run.steps().stream().noneMatch(s -> s.name().equals(step))) {
                    throw new IllegalArgumentException("run " + runId + " has no step " + step + "; its steps: "
                            + run.steps().stream().map(StepRun::name).toList());
                }
                if (follow) {
                    try (var f = jobs.followLogs(runId, line -> {
                        if (step == null || step.equals(line.step())) {
                            synchronized (out) {
                                out.println(logLine(line));
                                out.flush();
                            }
                        }
                    })) {
                        while (!f.awaitEnd(Duration.ofSeconds(1))) {
                            // until the run is over
                        }
                    }
                    return Main.OK;
                }
                long after = 0;
                while (true) {
                    List<LogLine> lines = jobs.logs(runId, after, 5_000);
                    for (LogLine l : lines) {
                        if (step == null || step.equals(l.step())) {
                            out.println(logLine(l));
                        }
                        after = l.seq();
                    }
                    if (lines.size() < 5_000) {
                        break;
                    }
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels a run: a queued run never starts; a running one is stopped and its sandbox"
                    + " destroyed (by the worker running it, within a second). A run already over is left alone"
                    + " (exit 0).")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (JobsClient jobs = engine.openClient()) {
                CancelResult result = jobs.cancel(runId);
                spec.commandLine().getOut().println(result.message());
            }
            return Main.OK;
        }
    }

    @Command(name = "artifacts", mixinStandardHelpOptions = true,
            description = "Lists a run's artifacts; with --out writes them into a directory.")
    static final class Artifacts implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--out", paramLabel = "DIR", description = "Write every artifact into DIR (created if needed).")
        Path out;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter print = spec.commandLine().getOut();
            try (JobsClient jobs = engine.openClient()) {
                List<ArtifactInfo> artifacts = jobs.artifacts(runId);
                if (artifacts.isEmpty()) {
                    print.println("Run " + runId + " has no artifacts.");
                    return Main.OK;
                }
                Path dir = out == null ? null : out.toAbsolutePath().normalize();
                for (ArtifactInfo a : artifacts) {
                    String where = "";
                    if (dir != null) {
                        Path target = dir.resolve(a.name()).normalize();
                        if (!target.startsWith(dir)) {
                            throw new IllegalArgumentException("artifact name " + a.name() + " leaves " + dir);
                        }
                        try {
                            Files.createDirectories(target.getParent());
                            Files.write(target, jobs.readArtifact(runId, a.name()));
                        } catch (IOException ex) {
                            throw new UncheckedIOException("cannot write " + target + ": " + ex.getMessage(), ex);
                        }
                        where = "  -> " + target;
                    }
                    print.println(String.format(Locale.ROOT, "%-30s %-10s %10d bytes%s", a.name(),
                            a.step() == null ? "-" : a.step(), a.size(), where));
                }
            }
            return Main.OK;
        }
    }
}
