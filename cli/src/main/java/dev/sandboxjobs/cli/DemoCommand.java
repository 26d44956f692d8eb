package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.setup.SetupReport;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Sets everything up (like setup), then submits the testing-pipeline workflow on the bundled sample repository"
                + " (a small Node.js calculator, made into a local git repository) to the job engine of the data directory's"
                + " database, follows it step by step and prints a summary with the run id and the path of report.html.",
                "Exit codes: 0 the tests passed, 1 they failed, 2 bad usage, 3 an infrastructure fault."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the reports (default: <data dir>/reports/<time>-demo).")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var stdout = spec.commandLine().getOut();
        SetupReport setup = PipelineRunner.setup(options, false, stdout);
        Path work;
        try {
            work = Files.createTempDirectory("sandbox-jobs-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        Path repo = work.resolve("sample-repo");
        boolean git = SampleRepository.create(repo);
        stdout.println("Sample repository: " + repo + (git ? " (a local git repository)" : " (plain files: git is not on this host)"));
        stdout.println("Submitting the testing-pipeline workflow: clone → install → test → report in a fresh sandbox...");
        stdout.flush();
        Path reports = out != null ? out : PipelineRunner.defaultReportsDirectory(options, "demo");
        PipelineRunner.Outcome outcome;
        try {
            PipelineRequest parameters = PipelineRunner.validate(PipelineRequest.builder(repo.toString()));
            outcome = PipelineRunner.run(options, new TestingPipelineWorkflow.Images(setup.image(),
                    RuntimeImage.fullDefaultReference()), parameters, reports, stdout, System.console() != null);
        } finally {
            deleteQuietly(work);
        }
        stdout.println();
        stdout.print(PipelineRunner.summary(outcome));
        stdout.flush();
        return PipelineRunner.exitCode(outcome.result());
    }

    /** Removes the temporary copy of the sample; the reports stay. */
    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
