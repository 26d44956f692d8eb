package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.setup.SetupReport;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs the testing pipeline (clone → install → test → report) on a repository as a durable run of the"
                + " testing-pipeline workflow (recorded in the data directory's database), in a fresh sandbox destroyed at the end. REPOSITORY is a git URL (https://, ssh://, git://, file://, user@host:path)"
                + " or a local directory (copied in with its uncommitted changes).",
                "Exit codes: 0 the tests passed, 1 they (or the pipeline) failed, 2 bad usage, 3 an infrastructure fault."})
final class TestCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Parameters(index = "0", paramLabel = "REPOSITORY", description = "Git URL or local directory.")
    String repository;

    @Option(names = "--branch", paramLabel = "B", description = "Branch or tag to test (default: the default branch).")
    String branch;

    @Option(names = "--commit", paramLabel = "C", description = "Commit SHA to test.")
    String commit;

    @Option(names = "--subdirectory", paramLabel = "DIR", description = "The project's directory inside the repository.")
    String subdirectory;

    @Option(names = "--install", paramLabel = "CMD", description = "Install command (a shell line) instead of the detected one; \"\" installs nothing.")
    String install;

    @Option(names = "--test", paramLabel = "CMD", description = "Test command (a shell line) instead of the detected one.")
    String test;

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "Limit of the test step in minutes (default: 30).")
    Integer timeoutMinutes;

    @Option(names = "--no-cache", description = "Do not mount the dependency caches.")
    boolean noCache;

    @Option(names = "--full", description = "Use the full image (JDK 21 and 25 + Maven, Go, Rust, CMake) whatever the project,"
            + " building it if needed. By default the image is chosen from the project: the runtime image (Node, Python,"
            + " make, git) for Node, Python and make projects, the full image for Maven, Gradle, Go, Rust and CMake ones.")
    boolean full;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Run in this image instead (\"runtime\", \"full\" or an image reference).")
    String image;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the reports (default: <data dir>/reports/<time>-test).")
    Path out;

    @Option(names = "--token-secret", paramLabel = "NAME", description = "Name of a secret holding a token for a private"
            + " repository: an environment variable of this process, read when the sandbox starts and never stored.")
    String tokenSecret;

    @Option(names = "--test-network", paramLabel = "NET", description = "The test step's network: none (default: every"
            + " connection refused and listed in the report), install (the install step's registries) or open (the"
            + " public internet; the host and private ranges stay out of reach).")
    String testNetwork;

    @Option(names = "--install-allow", paramLabel = "RULE", split = ",", description = "Hosts (egress rules: host,"
            + " *.example.com:443, 10.0.0.0/8) the install step may reach instead of the package registries of the"
            + " project's kind; the repository's git host is always added.")
    java.util.List<String> installAllow;

    @Option(names = "--json", description = "Print the result as JSON (the shape of report.json) instead of the summary;"
            + " setup's and the run's progress go to stderr.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (branch != null && commit != null) {
            throw new IllegalArgumentException("give --branch or --commit, not both");
        }
        if (timeoutMinutes != null && timeoutMinutes <= 0) {
            throw new IllegalArgumentException("--timeout must be a positive number of minutes");
        }
        // bad input is an IllegalArgumentException (exit 2), found before setup
        PipelineRequest.Builder request = PipelineRequest.builder(absoluteIfLocal(repository))
                .ref(commit != null ? commit : branch)
                .subdirectory(subdirectory)
                .image(image != null ? image : full ? PipelineRequest.IMAGE_FULL : null)
                .tokenSecret(tokenSecret)
                .testNetwork(testNetwork)
                .installAllow(installAllow);
        if (install != null) {
            request.installCommand(install);
        }
        if (test != null) {
            request.testCommand(test);
        }
        if (timeoutMinutes != null) {
            request.testTimeout(java.time.Duration.ofMinutes(timeoutMinutes));
        }
        if (noCache) {
            request.noCaches();
        }
        PipelineRequest parameters = PipelineRunner.validate(request);

        var stdout = spec.commandLine().getOut();
        var progress = json ? spec.commandLine().getErr() : stdout;
        SetupReport setup = PipelineRunner.setup(options, full && image == null, progress);
        if (image == null && !full) {
            // the image the project needs, built on first need (with its progress on the terminal)
            ImageChoice choice = PipelineRunner.chooseImage(options, setup.image(), parameters);
            progress.println("Image: " + choice.variant() + " — " + choice.reason());
            progress.flush();
            if (choice.variant().equals(ImageChoice.FULL)) {
                setup = PipelineRunner.setup(options, true, progress);
            }
            parameters = parameters.withImage(choice.variant());
        }
        TestingPipelineWorkflow.Images images = new TestingPipelineWorkflow.Images(setup.image(),
                setup.fullImage() != null ? setup.fullImage() : RuntimeImage.fullDefaultReference());
        Path reports = out != null ? out : PipelineRunner.defaultReportsDirectory(options, "test");
        PipelineRunner.Outcome outcome = PipelineRunner.run(options, images, parameters, reports, progress,
                !json && System.console() != null);
        if (json) {
            stdout.println(PipelineRunner.resultJson(outcome.result()));
        } else {
            stdout.println();
            stdout.print(PipelineRunner.summary(outcome));
        }
        stdout.flush();
        return PipelineRunner.exitCode(outcome.result());
    }

    /**
     * A local directory given relatively is stored as an absolute path, so that the stored run means the same thing to a
     * worker started in another directory; URLs and anything that is not an existing directory are kept as given.
     */
    static String absoluteIfLocal(String repository) {
        if (repository == null || repository.contains("://")) {
            return repository;
        }
        try {
            Path path = Path.of(repository);
            return Files.isDirectory(path) ? path.toAbsolutePath().normalize().toString() : repository;
        } catch (InvalidPathException e) {
            return repository;
        }
    }
}
