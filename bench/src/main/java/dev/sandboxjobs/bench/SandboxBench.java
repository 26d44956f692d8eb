package dev.sandboxjobs.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/** Sandbox areas: cold/warm start, exec, streaming, files, code interpreter, memory. */
final class SandboxBench {
    static final String LABEL = "dev.sandboxjobs.bench";
    private static final long MIB = 1024 * 1024;

    private final Main.Config cfg;
    private final String image;
    private final Path tmp;
    private final List<Metric> out;
    private final SandboxEngine engine;
    private final SandboxOptions options;
    private final SandboxOptions offline;
    private int seq;

    SandboxBench(Main.Config cfg, String image, Path tmp, List<Metric> out) {
        this.cfg = cfg;
        this.image = image;
        this.tmp = tmp;
        this.out = out;
        this.engine = SandboxEngine.builder().image(image).dataDirectory(tmp.resolve("engine")).build();
        this.options = SandboxOptions.builder().label(LABEL, "1").build();
        this.offline = options.toBuilder().egress(EgressPolicy.none()).build();
    }

    void close() {
        engine.close();
        cleanupPeers();
    }

    static void cleanupPeers() {
        try {
            String ids = Cli.run("docker", "ps", "-aq", "--filter", "label=" + LABEL);
            for (String id : ids.split("\\s+")) {
                if (!id.isBlank()) {
                    Cli.run("docker", "rm", "-f", id);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    Sandbox newSandbox() {
        return newSandbox(options);
    }

    Sandbox newSandbox(SandboxOptions with) {
        Sandbox sb = engine.getSandbox("bench-" + ProcessHandle.current().pid() + "-" + (seq++), with);
        check(sb.exec("true"));
        return sb;
    }

    static void check(ExecResult r) {
        if (!r.success()) {
            throw new IllegalStateException("exec failed: " + r.exitCode() + " " + r.stderr());
        }
    }

    String cliContainer() {
        return Cli.run("docker", "run", "-d", "--label", LABEL + "=1", "--entrypoint", "sleep", image, "infinity");
    }

    @SuppressWarnings("resource")
    GenericContainer<?> tcContainer() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(PullPolicy.defaultPolicy())
                .withLabel(LABEL, "1")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sleep", "infinity"));
        c.start();
        return c;
    }

    // ---------------------------------------------------------------- 1. cold start

    void cold() throws Exception {
        int n = cfg.quick ? 4 : 20;
        List<Double> ours = new ArrayList<>();
        List<Double> oursOffline = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        List<Double> tc = new ArrayList<>();
        String tcError = null;
        for (int i = -1; i < n; i++) { // i == -1: warm-up round, not recorded
            long t0 = System.nanoTime();
            Sandbox sb = newSandbox();
            long t1 = System.nanoTime();
            sb.destroy();
            sb.close();
            if (i >= 0) {
                ours.add(Stats.ms(t1 - t0));
            }

            t0 = System.nanoTime();
            sb = newSandbox(offline);
            t1 = System.nanoTime();
            sb.destroy();
            sb.close();
            if (i >= 0) {
                oursOffline.add(Stats.ms(t1 - t0));
            }

            t0 = System.nanoTime();
            String id = cliContainer();
            Cli.run("docker", "exec", id, "true");
            t1 = System.nanoTime();
            Cli.run("docker", "rm", "-f", id);
            if (i >= 0) {
                cli.add(Stats.ms(t1 - t0));
            }

            if (tcError == null) {
                try {
                    t0 = System.nanoTime();
                    GenericContainer<?> c = tcContainer();
                    Container.ExecResult r = c.execInContainer("true");
                    t1 = System.nanoTime();
                    c.stop();
                    if (r.getExitCode() != 0) {
                        throw new IllegalStateException("exit " + r.getExitCode());
                    }
                    if (i >= 0) {
                        tc.add(Stats.ms(t1 - t0));
                    }
                } catch (Throwable e) {
                    tcError = Main.describe(e);
                }
            }
        }
        Stats o = new Stats(ours);
        Stats c = new Stats(cli);
        String area = "1. cold sandbox -> first result";
        out.add(Metric.of(area, "cold start p50 (n=" + n + ")", o.p(0.5), "ms").vs("docker CLI run -d + exec", c.p(0.5), false)
                .target("p50 < 500 ms and faster than docker CLI", o.p(0.5) < 500 && o.p(0.5) < c.p(0.5)));
        out.add(Metric.of(area, "cold start p95 (n=" + n + ")", o.p(0.95), "ms").vs("docker CLI run -d + exec", c.p(0.95), false));
        out.add(Metric.of(area, "cold start p50 (n=" + n + "), no network", new Stats(oursOffline).p(0.5), "ms")
                .vs("docker CLI run -d + exec", c.p(0.5), false)
                .note("EgressPolicy.none(): no egress network, proxy or firewall rules; the default (the row above)"
                        + " joins the egress network and has its rules installed by one exec in the guard container,"
                        + " overlapped with the container's preparation"));
        if (tcError == null) {
            Stats t = new Stats(tc);
            out.add(Metric.of(area, "cold start p50 (n=" + n + ")", o.p(0.5), "ms").vs("Testcontainers start + execInContainer", t.p(0.5), false));
            out.add(Metric.of(area, "cold start p95 (n=" + n + ")", o.p(0.95), "ms").vs("Testcontainers start + execInContainer", t.p(0.95), false));
        } else {
            out.add(Metric.notMeasured(area, "Testcontainers start + execInContainer", "failed offline: " + tcError));
        }
    }

    // ---------------------------------------------------------------- 2. warm

    void warm() throws Exception {
        int n = cfg.quick ? 8 : 30;
        int size = 2;
        List<Double> ms = new ArrayList<>();
        List<Double> refill = new ArrayList<>();
        try (SandboxEngine pooled = SandboxEngine.builder().image(image).dataDirectory(tmp.resolve("engine-pool"))
                .warmPool(size).build()) {
            for (int i = -1; i < n; i++) { // i == -1: warm-up round, not recorded
                long w0 = System.nanoTime();
                awaitPool(pooled, size);
                if (i >= 0) {
                    refill.add(Stats.ms(System.nanoTime() - w0));
                }
                long t0 = System.nanoTime();
                Sandbox sb = pooled.getSandbox("bench-pool-" + ProcessHandle.current().pid() + "-" + i, options);
                check(sb.exec("true"));
                long t1 = System.nanoTime();
                if (i >= 0) {
                    ms.add(Stats.ms(t1 - t0));
                }
                sb.destroy();
                sb.close();
            }
        }
        Stats s = new Stats(ms);
        String area = "2. warm sandbox -> first result";
        out.add(Metric.of(area, "warm pool (warmPool(" + size + ")): getSandbox + exec(true) p50 (n=" + n + ")", s.p(0.5), "ms")
                .target("p50 < 30 ms", s.p(0.5) < 30)
                .note("SandboxEngine.builder().warmPool(2); each iteration waits until the pool is full again"
                        + " (refill wait p50 " + Math.round(new Stats(refill).p(0.5)) + " ms), then times getSandbox + exec(\"true\")"));
        out.add(Metric.of(area, "warm pool: getSandbox + exec(true) p95 (n=" + n + ")", s.p(0.95), "ms"));
    }

    private static void awaitPool(SandboxEngine engine, int size) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (engine.warmPoolReady() < size) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the warm pool did not fill within 2 minutes");
            }
            Thread.sleep(5);
        }
    }

    // ---------------------------------------------------------------- 3. exec

    void exec() throws Exception {
        int n = cfg.quick ? 100 : 1000;
        int nCli = cfg.quick ? 20 : 200;
        int nPeer = cfg.quick ? 40 : 300;
        Sandbox sb = newSandbox();
        String id = cliContainer();
        GenericContainer<?> c = null;
        String tcError = null;
        try {
            c = tcContainer();
        } catch (Throwable e) {
            tcError = Main.describe(e);
        }
        DockerClients.Connected dc = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST")));
        try {
            List<Double> ours = time(n, n / 5, () -> check(sb.exec("true")));
            List<Double> oursArgv = time(n, n / 5, () -> check(sb.exec(List.of("true"))));
            List<Double> cli = time(nCli, 3, () -> Cli.run("docker", "exec", id, "true"));
            List<Double> raw = time(nPeer, 5, () -> dockerJavaExec(dc.client(), id));
            GenericContainer<?> tcc = c;
            List<Double> tc = tcc == null ? List.of() : time(nPeer, 5, () -> {
                if (tcc.execInContainer("true").getExitCode() != 0) {
                    throw new IllegalStateException("exec failed");
                }
            });
            Stats o = new Stats(ours);
            Stats s = new Stats(cli);
            String area = "3. exec(\"true\") in a live sandbox";
            out.add(Metric.of(area, "exec p50 (n=" + n + ")", o.p(0.5), "ms").vs("docker exec CLI (n=" + nCli + ")", s.p(0.5), false)
                    .target("p50 < 5 ms and >= 20x faster than docker exec", o.p(0.5) < 5 && s.p(0.5) / o.p(0.5) >= 20));
            out.add(Metric.of(area, "exec p99 (n=" + n + ")", o.p(0.99), "ms").vs("docker exec CLI (n=" + nCli + ")", s.p(0.99), false)
                    .target("p99 < 20 ms", o.p(0.99) < 20));
            Stats a = new Stats(oursArgv);
            out.add(Metric.of(area, "exec(argv) p50, no shell parses it (n=" + n + ")", a.p(0.5), "ms")
                    .vs("docker exec CLI (n=" + nCli + ")", s.p(0.5), false));
            Stats r = new Stats(raw);
            out.add(Metric.of(area, "exec(argv) p50, no shell parses it (n=" + n + ")", a.p(0.5), "ms")
                    .vs("raw docker-java exec", r.p(0.5), false));
            out.add(Metric.of(area, "exec p50 (n=" + n + ")", o.p(0.5), "ms").vs("raw docker-java exec", r.p(0.5), false));
            out.add(Metric.of(area, "exec p99 (n=" + n + ")", o.p(0.99), "ms").vs("raw docker-java exec", r.p(0.99), false));
            if (tcc != null) {
                Stats t = new Stats(tc);
                out.add(Metric.of(area, "exec p50 (n=" + n + ")", o.p(0.5), "ms").vs("Testcontainers execInContainer", t.p(0.5), false));
                out.add(Metric.of(area, "exec p99 (n=" + n + ")", o.p(0.99), "ms").vs("Testcontainers execInContainer", t.p(0.99), false));
            } else {
                out.add(Metric.notMeasured(area, "Testcontainers execInContainer", tcError));
            }
        } finally {
            dc.client().close();
            if (c != null) {
                c.stop();
            }
            Cli.run("docker", "rm", "-f", id);
            sb.destroy();
            sb.close();
        }
    }

    private static void dockerJavaExec(DockerClient client, String id) throws InterruptedException {
        String execId = client.execCreateCmd(id).withCmd("true").withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        client.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion();
        Long code = client.inspectExecCmd(execId).exec().getExitCodeLong();
        if (code == null || code != 0) {
            throw new IllegalStateException("exit " + code);
        }
    }

    interface Body {
        void run() throws Exception;
    }

    static List<Double> time(int n, int warmup, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        List<Double> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms.add(Stats.ms(System.nanoTime() - t0));
        }
        return ms;
    }

    // ---------------------------------------------------------------- 4. streaming

    void streaming() {
        int lines = cfg.quick ? 100 : 500;
        Sandbox sb = newSandbox();
        try {
            List<Double> lat = new ArrayList<>();
            StringBuilder partial = new StringBuilder();
            ExecOptions opts = ExecOptions.builder().onOutput((stream, data) -> {
                Instant now = Instant.now();
                long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                synchronized (partial) {
                    partial.append(data);
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, nl).trim();
                        partial.delete(0, nl + 1);
                        if (line.matches("\\d{19}")) {
                            lat.add((nowNanos - Long.parseLong(line)) / 1e6);
                        }
                    }
                }
            }).build();
            check(sb.exec("for i in $(seq 1 " + lines + "); do date +%s%N; sleep 0.02; done", opts));
            List<Double> measured = lat.subList(Math.min(5, lat.size()), lat.size());
            Stats s = new Stats(measured);
            String area = "4. streaming";
            out.add(Metric.of(area, "line written -> onOutput p50 (n=" + s.count() + ")", s.p(0.5), "ms")
                    .target("within 10 ms", s.p(0.5) < 10)
                    .note("the line carries the container's `date +%s%N`; same host clock; includes the fork of `date`"));
            out.add(Metric.of(area, "line written -> onOutput p99 (n=" + s.count() + ")", s.p(0.99), "ms"));
        } finally {
            sb.destroy();
            sb.close();
        }
    }


    void files() throws Exception {
        new FilesBench(this, cfg, tmp, out).run();
    }

    // ---------------------------------------------------------------- 6. interpreter
    void interpreter() throws Exception {
        int contexts = cfg.quick ? 3 : 10;
        int n = cfg.quick ? 30 : 200;
        Sandbox sb = newSandbox();
        String area = "6. code interpreter";
        try {
            List<Double> first = new ArrayList<>();
            CodeContext last = null;
            for (int i = 0; i < contexts; i++) {
                long t0 = System.nanoTime();
                CodeContext ctx = sb.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
                Execution e = sb.runCode("1 + 1", RunCodeOptions.in(ctx));
                long t1 = System.nanoTime();
                if (!e.success()) {
                    throw new IllegalStateException("runCode failed: " + e.error());
                }
                first.add(Stats.ms(t1 - t0));
                last = ctx;
            }
            CodeContext ctx = last;
            List<Double> warm = time(n, 5, () -> {
                if (!sb.runCode("1 + 1", RunCodeOptions.in(ctx)).success()) {
                    throw new IllegalStateException("runCode failed");
                }
            });
            Stats f = new Stats(first);
            Stats w = new Stats(warm);
            out.add(Metric.of(area, "createCodeContext + first runCode p50 (n=" + contexts + ", sandbox already running)", f.p(0.5), "ms")
                    .note("first context of the sandbox starts the Python executor: " + String.format("%.0f ms", first.get(0))));
            out.add(Metric.of(area, "trivial runCode in a warm context p50 (n=" + n + ")", w.p(0.5), "ms"));
            out.add(Metric.of(area, "trivial runCode in a warm context p99 (n=" + n + ")", w.p(0.99), "ms"));
        } finally {
            sb.destroy();
            sb.close();
        }
    }

    // ---------------------------------------------------------------- 10. memory

    void memory() {
        int n = 50;
        String area = "10. memory";
        long before = heapAfterGc();
        List<Sandbox> live = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                created.add(pool.submit(() -> {
                    Sandbox sb = engine.getSandbox("bench-mem-" + ProcessHandle.current().pid() + "-" + k, options);
                    live.add(sb);
                    check(sb.exec("true"));
                }));
            }
            pool.shutdown();
            for (var f : created) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("creating a sandbox failed: " + e.getMessage(), e);
                }
            }
            long after = heapAfterGc();
            out.add(Metric.of(area, "heap used (after GC) with " + n + " live sandboxes", after / (double) MIB, "MiB")
                    .target("< 128 MiB", after < 128 * MIB)
                    .note(String.format("whole harness JVM (Testcontainers, JobRunr classes loaded); %.1f MiB before the sandboxes",
                            before / (double) MIB)));
        } finally {
            for (Sandbox sb : live) {
                sb.destroy();
                sb.close();
            }
        }
    }

    void streamMemory() {
        long bytes = (cfg.quick ? 256 : 1024) * MIB;
        String area = "10. memory";
        Sandbox sb = newSandbox();
        try {
            long before = heapAfterGc();
            AtomicLong received = new AtomicLong();
            AtomicLong peak = new AtomicLong();
            var mem = ManagementFactory.getMemoryMXBean();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            long t0 = System.nanoTime();
            ExecResult r = sb.exec("head -c " + bytes + " /dev/zero | tr '\\0' x | fold -w 1023",
                    ExecOptions.builder().onOutput((s, d) -> received.addAndGet(d.length())).build());
            long t1 = System.nanoTime();
            sampler.interrupt();
            check(r);
            long after = heapAfterGc();
            double mib = bytes / (double) MIB;
            out.add(Metric.of(area, String.format("retained heap growth after streaming %.0f MiB through onOutput", mib),
                            (after - before) / (double) MIB, "MiB")
                    .target(bytes >= 1024 * MIB ? "no growth (1 GiB)" : "no growth (1 GiB): quick mode streams 256 MiB only",
                            (after - before) < 16 * MIB)
                    .note(String.format("received %d chars in %.1f s (%.0f MiB/s); peak heap used (incl. garbage) %.0f MiB, -Xmx %.0f MiB",
                            received.get(), (t1 - t0) / 1e9, mib / ((t1 - t0) / 1e9), peak.get() / (double) MIB,
                            Runtime.getRuntime().maxMemory() / (double) MIB)));
        } finally {
            sb.destroy();
            sb.close();
        }
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
