package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versions of the tools a project's install and tests use, asked of the tools themselves in the
 * sandbox after the install ({@code node --version}, {@code mvn -v}…), for the report.
 */
final class ToolVersions {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private ToolVersions() {
    }

    static Map<String, String> probe(PipelineSandbox sandbox, String projectDir, Map<String, String> env, Detection d) {
        return probe(sandbox, projectDir, env, d, Map.of());
    }

    /** {@link #probe}, taking the answer of {@code known} for an argv asked already with the same environment. */
    static Map<String, String> probe(PipelineSandbox sandbox, String projectDir, Map<String, String> env, Detection d,
            Map<List<String>, CommandResult> known) {
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
                    ? (first.length() > 200 ? first.substring(0, 200) : first) : "not found (exit " + r.exitCode() + ")");
        }
        return versions;
    }
}
