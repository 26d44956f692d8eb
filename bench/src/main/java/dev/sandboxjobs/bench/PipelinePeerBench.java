package dev.sandboxjobs.bench;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.cache.CacheMount;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.pipeline.ArtifactSink;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * 12. The testing pipeline against its obvious peer: the same clone + install + test, with the
 * commands our pipeline ran, done by a plain {@code docker run --rm} bash script in the same image
 * with the same dependency-cache directories on volumes of its own. On the bundled fixtures in
 * {@code bench/fixtures/pipeline} (each made a git repository first): a Node package with npm dev
 * dependencies (mocha, chai, sinon: fetched from the npm registry), a Maven library with JUnit 5
 * (from Maven Central), a Python library tested with pytest (the image's; PyPI is not reachable
 * here, so it declares nothing to install). First run with empty cache volumes, then a cached run;
 * ours and the peer's alternate.
 *
 * <p>What differs by design, and is not the pipeline's overhead: our sandbox is the SDK's default, so
 * its traffic goes through the engine's egress proxy (HTTPS as {@code CONNECT} tunnels, not decrypted;
 * per-step allowlists: the registries for install, nothing for a Node or Python test step) behind a
 * firewall installed from the guard container when the sandbox is created, and it runs as uid 1000 with
 * a 2 GiB memory limit, 1024 processes and dropped capabilities; the script's container is on Docker's
 * bridge with direct access to the internet, as root, with no limit. A plain sandbox has no unproxied
 * network to offer (EgressPolicy.none() has no network at all), so there is no like-for-like variant of
 * ours; on the fixtures here the memory and process limits did not change the commands' times (Maven's
 * test-compile and test alternated in a limited and an unlimited container, within noise).
 */
final class PipelinePeerBench {
    private static final String AREA = "12. pipeline vs a plain docker run --rm script";

    private PipelinePeerBench() {}

    static void run(Path tmp, List<Metric> out) throws Exception {
        Path fixtures = Path.of("bench", "fixtures", "pipeline").toAbsolutePath();
        if (!Files.isDirectory(fixtures)) {
            throw new IllegalStateException("run the bench from the repository root: no " + fixtures);
        }
        String image = RuntimeImageForTests.fullImage();
        String nonce = Long.toHexString(System.nanoTime());
        List<String> volumes = new ArrayList<>();
        try (SandboxEngine engine = SandboxEngine.builder().image(image).dataDirectory(tmp.resolve("engine-pipeline-peer")).build()) {
            for (String name : List.of("node-lib", "maven-lib", "python-lib")) {
                try {
                    Path repo = gitRepo(fixtures.resolve(name), tmp.resolve("repo-" + name));
                    CacheMounts ourCaches = CacheMounts.withPrefix("sj-bench-" + nonce + "-ours-");
                    CacheMounts peerCaches = CacheMounts.withPrefix("sj-bench-" + nonce + "-peer-");
                    Stream.concat(ourCaches.mounts().stream(), peerCaches.mounts().stream())
                            .map(CacheMount::volume).forEach(volumes::add);
                    double[] ours = new double[2];
                    double[] peer = new double[2];
                    String[] ourSteps = new String[2];
                    String[] peerSteps = new String[2];
                    for (int i = 0; i < 2; i++) {
                        long t0 = System.nanoTime();
                        PipelineResult r = new TestingPipeline(PipelineRequest.builder(repo.toString()).caches(ourCaches).build(),
                                ArtifactSink.directory(Files.createDirectories(tmp.resolve("pp-" + name + "-" + i))))
                                .run(engine, SandboxOptions.builder().image(image).label(SandboxBench.LABEL, "1").build());
                        ours[i] = Stats.ms(System.nanoTime() - t0);
                        if (!r.success()) {
                            String tail = r.steps().stream().filter(st -> st.exitCode() != 0).map(StepReport::output)
                                    .map(o -> o == null ? "" : o.substring(Math.max(0, o.length() - 600))).findFirst().orElse("");
                            throw new IllegalStateException("our pipeline failed on " + name + ": " + r.failure() + " " + r.errors()
                                    + " ... " + tail);
                        }
                        ourSteps[i] = r.steps().stream().map(s -> s.name() + " " + s.duration().toMillis() + " ms")
                                .collect(Collectors.joining(", "));
                        t0 = System.nanoTime();
                        Map<String, Double> steps = peerRun(image, repo, r, peerCaches);
                        peer[i] = Stats.ms(System.nanoTime() - t0);
                        peerSteps[i] = steps.entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue()) + " ms")
                                .collect(Collectors.joining(", "));
                        if (i == 0) {
                            ourSteps[i] += "; commands: " + r.steps().stream()
                                    .filter(s -> s.name().equals("install") || s.name().equals("test"))
                                    .map(s -> s.name() + " `" + s.command() + "`").collect(Collectors.joining(", "));
                        }
                    }
                    out.add(Metric.of(AREA, name + ": first run (empty caches)", ours[0], "ms")
                            .vs("docker run --rm script, same commands", peer[0], false)
                            .target("within 1.1x of the script", ours[0] <= 1.1 * peer[0])
                            .note("ours: " + ourSteps[0] + " | script: " + peerSteps[0]
                                    + " | ours includes creating and destroying the sandbox (egress proxy and its firewall"
                                    + " rules, uid 1000, 2 GiB); the script's container is on Docker's bridge without"
                                    + " the proxy, as root, unlimited"));
                    out.add(Metric.of(AREA, name + ": cached run", ours[1], "ms")
                            .vs("docker run --rm script, its caches warm", peer[1], false)
                            .target("faster than the script's cached run", ours[1] < peer[1])
                            .note("ours: " + ourSteps[1] + " | script: " + peerSteps[1]));
                } catch (RuntimeException e) {
                    out.add(Metric.notMeasured(AREA, name, Main.describe(e)));
                }
            }
        } finally {
            for (String v : volumes) {
                try {
                    Cli.run("docker", "volume", "rm", "-f", v);
                } catch (RuntimeException ignored) {
                    // a cache volume never created (its kind not used)
                }
            }
        }
    }

    /** A copy of {@code fixture} committed into a fresh git repository at {@code dir}. */
    private static Path gitRepo(Path fixture, Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        String d = dir.toString();
        Cli.run("git", "-C", d, "init", "-q", "-b", "main");
        Cli.run("git", "-C", d, "add", "-A");
        Cli.run("git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-C", d, "commit", "-q", "-m", "fixture");
        return dir;
    }

    /**
     * The peer: one {@code docker run --rm} of a bash script that clones the repository (mounted
     * read-only) and runs the install and test commands our pipeline ran, each timed by the script.
     */
    private static Map<String, Double> peerRun(String image, Path repo, PipelineResult ours, CacheMounts caches) {
        StringBuilder script = new StringBuilder("set -e\nt() { date +%s%N; }\n");
        script.append("s=$(t); git clone -q --depth 1 file:///src /workspace/repo; echo \"@@clone $s $(t)\"\n");
        script.append("cd /workspace/repo\n");
        for (StepReport s : ours.steps()) {
            if ((s.name().equals("install") || s.name().equals("test")) && s.command() != null && !s.command().isBlank()) {
                script.append("s=$(t); ").append(s.command()).append("; echo \"@@").append(s.name()).append(" $s $(t)\"\n");
            }
        }
        List<String> argv = new ArrayList<>(List.of("docker", "run", "--rm", "--label", SandboxBench.LABEL + "=1",
                "-v", repo + ":/src:ro"));
        for (CacheMount m : caches.mounts()) {
            argv.addAll(List.of("-v", m.volume() + ":" + m.containerPath()));
        }
        caches.env().forEach((k, v) -> argv.addAll(List.of("-e", k + "=" + v)));
        argv.addAll(List.of("--entrypoint", "bash", image, "-c", script.toString()));
        String stdout = Cli.run(argv.toArray(String[]::new));
        Map<String, Double> steps = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("@@")) {
                String[] f = line.substring(2).trim().split(" ");
                steps.put(f[0], (Long.parseLong(f[2]) - Long.parseLong(f[1])) / 1e6);
            }
        }
        return steps;
    }
}
