package dev.sandboxjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the benchmarks (ours and the peers, in the same run), writes {@code results/latest.json}
 * and, when asked, {@code BENCHMARKS.md}.
 *
 * <pre>
 * java -cp ... dev.sandboxjobs.bench.Main [--quick] [--only=cold,exec,...] [--iterations=N]
 *      [--results=bench/results] [--markdown=BENCHMARKS.md]
 * </pre>
 *
 * <p>{@code --render} only regenerates the markdown from the last {@code latest.json}.
 *
 * <p>Areas: cold, warm, exec, streaming, files, interpreter, jobs, sandboxed, recovery, memory,
 * pipeline, pipeline-peer, dashboard, cluster, network. An area that fails is recorded as "not measured" with its error; the others go on.
 */
public final class Main {
    static final List<String> AREAS = List.of("cold", "warm", "exec", "streaming", "files", "interpreter", "jobs",
            "sandboxed", "recovery", "memory", "pipeline", "pipeline-peer", "dashboard", "cluster", "network");

    /** Command-line settings. */
    static final class Config {
        boolean quick;
        Set<String> only = new TreeSet<>(AREAS);
        int iterations;
        Path results = Path.of("bench", "results");
        Path markdown;
        /** With {@code --only}: replace only those areas in the last latest.json, keep the others. */
        boolean merge;
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args) ? 0 : 1);
    }

    /** Runs the benchmarks; true when every asked area produced figures. */
    public static boolean run(String... args) throws Exception {
        Config cfg = new Config();
        boolean render = false;
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("Usage: ./bench/run [--quick] [--only=AREA,...] [--iterations=N] [--render]\n"
                        + "Areas: " + String.join(",", AREAS) + "\n"
                        + "--quick: under 5 minutes; --only: some areas (results still go to bench/results/latest.json"
                        + " and BENCHMARKS.md: use --results=DIR --markdown=FILE elsewhere while iterating);"
                        + " --merge (with --only): replace only those areas in the last latest.json, keeping the others' figures;"
                        + " --render: BENCHMARKS.md again from latest.json and bench/analysis.md.");
                return true;
            } else if (a.equals("--render")) {
                render = true;
            } else if (a.equals("--merge")) {
                cfg.merge = true;
            } else if (a.equals("--quick")) {
                cfg.quick = true;
            } else if (a.startsWith("--only=")) {
                cfg.only = new TreeSet<>(Arrays.asList(a.substring(7).split(",")));
            } else if (a.startsWith("--iterations=")) {
                cfg.iterations = Integer.parseInt(a.substring(13));
            } else if (a.startsWith("--results=")) {
                cfg.results = Path.of(a.substring(10));
            } else if (a.startsWith("--markdown=")) {
                cfg.markdown = Path.of(a.substring(11));
            } else {
                throw new IllegalArgumentException("unknown argument " + a + "; see the Javadoc of " + Main.class.getName());
            }
        }
        if (render) { // BENCHMARKS.md again from the last results (after editing bench/analysis.md)
            ObjectMapper json = new ObjectMapper();
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = json.readValue(cfg.results.resolve("latest.json").toFile(), Map.class);
            List<Metric> metrics = Arrays.asList(json.convertValue(doc.get("metrics"), Metric[].class));
            Report.write(cfg.markdown, doc, metrics, cfg);
            return true;
        }
        Instant started = Instant.now();
        List<Metric> out = new ArrayList<>();
        Path tmp = Files.createTempDirectory("sandbox-jobs-bench");
        boolean ok = true;
        boolean needsImage = cfg.only.stream().anyMatch(a -> !a.equals("jobs") && !a.equals("dashboard") && !a.equals("cluster"));
        String image = needsImage ? RuntimeImageForTests.image() : null;
        SandboxBench sb = null;
        try {
            for (String area : AREAS) {
                if (!cfg.only.contains(area)) {
                    continue;
                }
                long t0 = System.nanoTime();
                System.err.println("[bench] " + area + " ...");
                try {
                    if (sb == null && Set.of("cold", "warm", "exec", "streaming", "files", "interpreter", "memory").contains(area)) {
                        sb = new SandboxBench(cfg, image, tmp, out);
                    }
                    switch (area) {
                        case "cold" -> sb.cold();
                        case "warm" -> sb.warm();
                        case "exec" -> sb.exec();
                        case "streaming" -> sb.streaming();
                        case "files" -> sb.files();
                        case "interpreter" -> sb.interpreter();
                        case "jobs" -> new JobsBench(cfg, tmp, out).noop();
                        case "sandboxed" -> new JobsBench(cfg, tmp, out).sandboxed(image);
                        case "recovery" -> RecoveryBench.run(cfg, image, tmp, out);
                        case "memory" -> {
                            sb.memory();
                            sb.streamMemory();
                        }
                        case "pipeline" -> PipelineBench.run(tmp, out);
                        case "pipeline-peer" -> PipelinePeerBench.run(tmp, out);
                        case "dashboard" -> new DashboardBench(cfg, tmp, out).run();
                        case "cluster" -> new ClusterBench(cfg, tmp, out).run();
                        case "network" -> NetworkBench.run(cfg, image, tmp, out);
                        default -> throw new IllegalStateException(area);
                    }
                } catch (Throwable e) {
                    ok = false;
                    e.printStackTrace();
                    out.add(Metric.notMeasured(area, "area failed", describe(e)));
                }
                System.err.printf("[bench] %s done in %.1f s%n", area, (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            if (sb != null) {
                sb.close();
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mode", cfg.quick ? "quick" : "full");
        doc.put("startedAt", started.toString());
        doc.put("durationSeconds", Duration.between(started, Instant.now()).toSeconds());
        doc.put("machine", Machine.describe(image));
        doc.put("metrics", out);
        Files.createDirectories(cfg.results);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path latest = cfg.results.resolve("latest.json");
        List<Metric> rendered = out;
        if (cfg.merge && Files.exists(latest)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> last = json.readValue(latest.toFile(), Map.class);
            List<Metric> merged = merge(Arrays.asList(json.convertValue(last.get("metrics"), Metric[].class)), out, cfg.only);
            Map<String, Object> update = new LinkedHashMap<>(doc);
            update.remove("metrics");
            update.put("areas", List.copyOf(cfg.only));
            @SuppressWarnings("unchecked")
            List<Object> updates = new ArrayList<>((List<Object>) last.getOrDefault("remeasured", List.of()));
            // an earlier re-measure whose areas were all measured again no longer describes any figure
            updates.removeIf(u -> u instanceof Map<?, ?> m && m.get("areas") instanceof List<?> areas
                    && cfg.only.containsAll(areas));
            updates.add(update);
            last.put("remeasured", updates);
            last.put("metrics", merged);
            doc = last;
            rendered = merged;
        }
        json.writeValue(latest.toFile(), doc);
        for (Metric m : out) {
            System.out.println(Report.line(m));
        }
        if (cfg.markdown != null) {
            Report.write(cfg.markdown, doc, rendered, cfg);
        }
        return ok;
    }

    /**
     * The last run's figures with the areas just measured replaced: a figure of the last run goes
     * when this run measured its area (by the area's title, or by its key for an area that failed).
     */
    static List<Metric> merge(List<Metric> last, List<Metric> now, Set<String> keys) {
        Set<String> measured = new java.util.HashSet<>(keys);
        now.forEach(m -> measured.add(m.area()));
        List<Metric> merged = new ArrayList<>();
        last.stream().filter(m -> !measured.contains(m.area())).forEach(merged::add);
        merged.addAll(now);
        return merged;
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (s.length() > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (s.length() > 600) {
                break;
            }
        }
        return s.toString();
    }
}
