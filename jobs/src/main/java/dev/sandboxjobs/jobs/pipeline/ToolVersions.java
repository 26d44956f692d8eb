package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Command;
import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The versions of the tools a project's install and tests use, asked of the tools themselves in the
 * sandbox after the install ({@code node --version}, {@code java -version}…), for the report. Maven's
 * comes from the install's own output ({@code -V}): asking {@code mvn -v} is one more JVM's start,
 * which cost a Maven install on 2 cores ~0.5 s when asked next to it.
 */
final class ToolVersions {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private ToolVersions() {
    }

    static Map<String, String> probe(PipelineSandbox sandbox, String projectDir, Map<String, String> env, Detection d) {
        return probe(sandbox, projectDir, env, d, Map.of(), Set.of());
    }

    /**
     * {@link #probe}, taking the answer of {@code known} for an argv asked already with the same
     * environment, and asking nothing of the tools in {@code printed} (their versions come from the
     * install's output: {@link #fromInstall}).
     */
    static Map<String, String> probe(PipelineSandbox sandbox, String projectDir, Map<String, String> env, Detection d,
            Map<List<String>, CommandResult> known, Set<String> printed) {
        Map<String, List<String>> asks = new LinkedHashMap<>();
        switch (d.kind()) {
            case NODE -> {
                asks.put("node", List.of("node", "--version"));
                asks.put(d.tool(), List.of(d.tool(), "--version"));
            }
            case PYTHON -> {
                asks.put("python", List.of("python3", "--version"));
                if (!d.tool().equals("pip")) {
                    asks.put(d.tool(), List.of(d.tool(), "--version"));
                }
            }
            case GO -> asks.put("go", List.of("go", "version"));
            case MAVEN -> {
                asks.put("maven", List.of(d.tool(), "-B", "-v"));
                asks.put("java", List.of("java", "-version"));
            }
            case GRADLE -> asks.put("java", List.of("java", "-version"));
            case RUST -> {
                asks.put("cargo", List.of("cargo", "--version"));
                asks.put("rustc", List.of("rustc", "--version"));
            }
            case MAKE -> {
                asks.put("make", List.of("make", "--version"));
                if (d.tool().equals("cmake")) {
                    asks.put("cmake", List.of("cmake", "--version"));
                }
            }
            default -> { }
        }
        asks.remove("");
        asks.keySet().removeAll(printed);
        // asked at the same time: each is a Docker exec and a tool's start (a JVM for mvn)
        List<List<String>> unknown = asks.values().stream().filter(argv -> !known.containsKey(argv)).distinct().toList();
        List<CommandResult> results = unknown.isEmpty() ? List.of()
                : sandbox.execAll(unknown, ExecSpec.of(projectDir, env, LIMIT));
        Map<List<String>, CommandResult> answers = new LinkedHashMap<>(known);
        for (int i = 0; i < unknown.size(); i++) {
            answers.put(unknown.get(i), results.get(i));
        }
        Map<String, String> versions = new LinkedHashMap<>();
        for (var ask : asks.entrySet()) {
            CommandResult r = answers.get(ask.getValue());
            String first = r.combined().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("Picked up"))
                    .findFirst().orElse("");
            versions.put(ask.getKey(), r.success() && !first.isEmpty()
                    ? clip(first) : "not found (exit " + r.exitCode() + ")");
        }
        return versions;
    }

    /** The tools whose versions {@code d}'s install prints itself: Maven's with {@code -V} (or {@code --show-version}). */
    static Set<String> printedByInstall(Detection d) {
        boolean shown = d.kind() == ProjectKind.MAVEN && d.install().stream().filter(c -> !c.isShell())
                .map(Command::argv).anyMatch(argv -> argv.contains("-V") || argv.contains("--show-version"));
        return shown ? Set.of("maven") : Set.of();
    }

    /**
     * {@code probed} with the versions of {@code printed} read from the install's output, in the order
     * {@link #probe} gives them ({@code maven} before {@code java}): Maven's first line of {@code -V},
     * {@code "Apache Maven 3.9.9 (…)"}, as {@code mvn -v} prints it.
     */
    static Map<String, String> fromInstall(Set<String> printed, String installOutput, Map<String, String> probed) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (printed.contains("maven")) {
            Optional<String> line = installOutput.lines().map(String::strip).filter(l -> l.startsWith("Apache Maven "))
                    .findFirst();
            versions.put("maven", line.map(ToolVersions::clip)
                    .orElse("not found (the install did not print it)"));
        }
        versions.putAll(probed);
        return versions;
    }

    /** A version line as the report keeps it: its first 200 characters. */
    private static String clip(String line) {
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
