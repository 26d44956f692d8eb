package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Command;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.Monorepo;
import dev.sandboxjobs.jobs.detect.ProjectDetector;
import dev.sandboxjobs.jobs.detect.ProjectFiles;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code install} step: reads the project's root listing and build files out of the
 * sandbox, {@linkplain ProjectDetector detects} the kind, and runs its install commands
 * with the dependency caches' environment. An unknown project ends the pipeline with the
 * reason; a failing install ends it with the install's output.
 */
public final class InstallStep {

    public static final String NAME = "install";

    /** Asks the tools' versions next to an install that cannot change them (daemon threads; idle ones end). */
    private static final ExecutorService PROBES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-jobs-tool-versions");
        t.setDaemon(true);
        return t;
    });

    /** How npm ci, pnpm and yarn refuse a lockfile that does not match package.json. */
    private static final java.util.regex.Pattern OUT_OF_SYNC = java.util.regex.Pattern.compile(
            "are in sync|ERR_PNPM_OUTDATED_LOCKFILE|lockfile needs to be updated|YN0028|Missing: .* from lock file");

    /**
     * What the install produced.
     *
     * @param detection what detection decided
     * @param env       the environment for the test step (caches + detection)
     * @param report    the step's report
     * @param toolchains the toolchain used, tool by tool: wanted, used, where from
     * @param versions  the versions of the kind's tools, as they printed them after the install
     *                  ({@code "node" -> "v24.11.1"})
     */
    public record Outcome(Detection detection, Map<String, String> env, StepReport report, List<ToolchainUse> toolchains,
            Map<String, String> versions) {
        public Outcome {
            toolchains = toolchains == null ? List.of() : List.copyOf(toolchains);
            versions = versions == null ? Map.of() : new LinkedHashMap<>(versions);
        }

        public Outcome(Detection detection, Map<String, String> env, StepReport report) {
            this(detection, env, report, List.of(), Map.of());
        }
    }

    private final PipelineRequest request;
    private final Workspace workspace;
    private final Clock clock;
    private List<ToolchainUse> toolchains = List.of();
    /** The project files {@link #detect} read, and from where: the toolchain step reuses them. */
    private ProjectFiles detected;
    private String detectedDir;

    public InstallStep(PipelineRequest request, Workspace workspace, Clock clock) {
        this.request = request;
        this.workspace = workspace;
        this.clock = clock;
    }

    /** Reads what detection needs from the sandbox. */
    public static ProjectFiles readProjectFiles(PipelineSandbox sandbox, String projectDir) {
        List<String> listing = sandbox.listFiles(projectDir, 1);
        Map<String, String> contents = new LinkedHashMap<>();
        for (String name : ProjectFiles.FILES_TO_READ) {
            if (listing.contains(name)) {
                Optional<byte[]> bytes = sandbox.readFile(projectDir + "/" + name, ProjectFiles.MAX_CONTENT_CHARS);
                bytes.ifPresent(b -> contents.put(name, new String(b, StandardCharsets.UTF_8)));
            }
        }
        return ProjectFiles.of(listing, contents);
    }

    /**
     * Runs the step. Throws {@link StepException} for an unknown project, a project whose
     * tests cannot run, or a failing install.
     */
    public Outcome run(PipelineSandbox sandbox, String projectDir) {
        return run(sandbox, projectDir, detect(sandbox, projectDir));
    }

    /** Detects the project in {@code projectDir}, applying the request's overrides. */
    public Detection detect(PipelineSandbox sandbox, String projectDir) {
        ProjectFiles files = readProjectFiles(sandbox, projectDir);
        detected = files;
        detectedDir = projectDir;
        Detection detection = ProjectDetector.detect(files, request.overrides(), workspace.reports());
        boolean maybeMonorepo = switch (detection.kind()) {
            case NODE -> files.content("package.json").orElse("").contains("\"workspaces\"")
                    || files.has("pnpm-workspace.yaml");
            case GO, UNKNOWN -> true;
            default -> false;
        };
        if (request.overrides().test() != null || !maybeMonorepo) {
            return detection;
        }
        CommandResult found = sandbox.exec(List.of("find", projectDir, "-mindepth", "2", "-maxdepth",
                String.valueOf(Monorepo.SEARCH_DEPTH + 1), "(", "-name", "node_modules", "-o", "-name", ".git", "-o",
                "-name", "vendor", "-o", "-name", "testdata", ")", "-prune", "-o", "(", "-name", "package.json", "-o",
                "-name", "go.mod", ")", "-type", "f", "-printf", "%P\\n"), ExecSpec.of("/", Map.of(), Duration.ofMinutes(1)));
        List<String> manifests = found.stdout().lines().filter(l -> !l.isBlank()).limit(2_000).toList();
        return Monorepo.discover(detection, files, manifests, path -> sandbox.readFile(projectDir + "/" + path,
                ProjectFiles.MAX_CONTENT_CHARS).map(b -> new String(b, StandardCharsets.UTF_8)), workspace.reports());
    }

    /** Runs the install for an already made {@code detection}. */
    public Outcome run(PipelineSandbox sandbox, String projectDir, Detection detection) {
        PipelineNetwork.Phase network = PipelineNetwork.Phase.begin(sandbox,
                request.network().installPolicy(request, detection.kind()));
        try {
            Outcome done = install(sandbox, projectDir, detection);
            return new Outcome(done.detection(), done.env(), done.report().withNetwork(network.end()), done.toolchains(),
                    done.versions());
        } catch (StepException e) {
            throw new StepException(e.report().withNetwork(network.end()));
        }
    }

    private Outcome install(PipelineSandbox sandbox, String projectDir, Detection detection) {
        Instant start = clock.instant();
        Map<String, String> env = new LinkedHashMap<>(request.caches().envFor(detection.kind(), detection.tool()));
        env.putAll(detection.env());
        if (detection.kind() == ProjectKind.UNKNOWN && !detection.runnable()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "", -1,
                    "unknown project: " + detection.reason(), String.join("\n", detection.notes())));
        }
        if (!detection.runnable()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "", -1,
                    "tests cannot run: " + detection.reason(), String.join("\n", detection.notes())));
        }
        CommandResult mkdir = sandbox.exec(List.of("mkdir", "-p", workspace.reports()),
                ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
        if (!mkdir.success()) {
            throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), "mkdir -p " + workspace.reports(),
                    mkdir.exitCode(), "cannot create " + workspace.reports() + ": " + mkdir.stderr().strip(), ""));
        }
        StringBuilder output = new StringBuilder();
        List<String> shown = new ArrayList<>();
        Instant deadline = start.plus(request.installTimeout());
        int exit = -1;
        // the toolchain the project asks for: PATH and JAVA_HOME for the install and the tests
        ToolchainProvisioner.Prepared toolchain = new ToolchainProvisioner(workspace, clock)
                .prepare(sandbox, projectDir, projectDir.equals(detectedDir) ? detected : null, detection, env, deadline,
                        start);
        env.putAll(toolchain.env());
        toolchains = toolchain.toolchains();
        shown.addAll(toolchain.commands());
        output.append(toolchain.output());
        if (!toolchain.commands().isEmpty()) {
            exit = 0;
        }
        // nothing ran since the toolchain's probes and nothing changed their environment: their answers stand
        Map<List<String>, CommandResult> known = toolchain.commands().isEmpty() && toolchain.env().isEmpty()
                ? toolchain.probed() : Map.of();
        // an install by the image's npm or mvn cannot change node, npm, mvn or java: their versions are asked
        // while it runs (npm --version takes ~0.25 s, java -version a JVM's start), not after it; Maven's own
        // is printed by the install (-V)
        Map<String, String> probeEnv = new LinkedHashMap<>(env);
        Set<String> printed = ToolVersions.printedByInstall(detection);
        CompletableFuture<Map<String, String>> versionsMeanwhile = toolsStayDuringInstall(detection)
                ? CompletableFuture.supplyAsync(() -> ToolVersions.probe(sandbox, projectDir, probeEnv, detection, known,
                        printed), PROBES)
                : null;
        int installFrom = output.length();
        for (Command command : detection.install()) {
            shown.add(command.display());
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw timedOut(start, shown, output);
            }
            CommandResult r = sandbox.exec(command.argv(), ExecSpec.of(projectDir, env, left));
            output.append(r.combined());
            exit = r.exitCode();
            if (r.timedOut()) {
                throw timedOut(start, shown, output);
            }
            if (!r.success()) {
                String message = command.display() + " exited with " + r.exitCode();
                if (OUT_OF_SYNC.matcher(r.combined()).find()) {
                    message += ": the lockfile is out of sync with package.json (run " + detection.tool()
                            + " install and commit the lockfile)";
                }
                if (!command.isShell() && (r.exitCode() == 127 || r.exitCode() == 126)) {
                    message += ": \"" + command.argv().get(0) + "\" is not installed in the sandbox image"
                            + (detection.kind() == ProjectKind.GRADLE
                            ? " (no image has Gradle: the project needs its wrapper, ./gradlew)"
                            : ImageChoice.forDetection(detection).variant().equals(ImageChoice.FULL)
                            ? " (a " + detection.kind().id() + " project needs the full image: image \"full\", --full)"
                            : " (choose an image that has it, or override the install command)");
                }
                throw new StepException(new StepReport(NAME, StepStatus.FAILED, elapsed(start), String.join(" && ", shown),
                        r.exitCode(), message, output.toString()));
            }
        }
        String message = detection.install().isEmpty()
                ? (toolchain.commands().isEmpty() ? "nothing to install" : "toolchain installed; nothing else to install")
                : "installed with " + detection.tool();
        Map<String, String> versions = ToolVersions.fromInstall(printed, output.substring(installFrom),
                versionsMeanwhile != null ? joined(versionsMeanwhile) : ToolVersions.probe(sandbox, projectDir, env,
                        detection, detection.install().isEmpty() ? known : Map.of(), printed));
        return new Outcome(detection, env, new StepReport(NAME, StepStatus.SUCCEEDED, elapsed(start),
                String.join(" && ", shown), exit, message, output.toString()), toolchain.toolchains(), versions);
    }

    /**
     * Whether the install cannot change what {@link ToolVersions} asks: npm installing into the project
     * (not corepack's pnpm or yarn, which a first use downloads), the image's own mvn (not a wrapper,
     * which a first use downloads). Python is not among them: its install makes the .venv the probe runs.
     */
    private static boolean toolsStayDuringInstall(Detection d) {
        return !d.install().isEmpty() && (d.kind() == ProjectKind.NODE && d.tool().equals("npm")
                || d.kind() == ProjectKind.MAVEN && d.tool().equals("mvn"));
    }

    private static Map<String, String> joined(CompletableFuture<Map<String, String>> versions) {
        try {
            return versions.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The toolchain of the last {@link #run}, also when it failed after preparing it; empty before. */
    public List<ToolchainUse> toolchains() {
        return toolchains;
    }

    private StepException timedOut(Instant start, List<String> shown, StringBuilder output) {
        return new StepException(new StepReport(NAME, StepStatus.TIMED_OUT, elapsed(start), String.join(" && ", shown),
                -1, "the install did not finish within " + request.installTimeout(), output.toString()));
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
