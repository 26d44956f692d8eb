package dev.sandboxjobs.bench;

import dev.sandboxjobs.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.MountableFile;

/**
 * Area 5, files: write + read of 1 MiB to 1 GiB through the SDK, against {@code docker cp} and
 * Testcontainers in the same run, with the peak heap of ours sampled during the large cases.
 */
final class FilesBench {
    private static final long MIB = 1024 * 1024;

    private final SandboxBench sandboxes;
    private final Main.Config cfg;
    private final Path tmp;
    private final List<Metric> out;

    FilesBench(SandboxBench sandboxes, Main.Config cfg, Path tmp, List<Metric> out) {
        this.sandboxes = sandboxes;
        this.cfg = cfg;
        this.tmp = tmp;
        this.out = out;
    }

    void run() throws Exception {
        Sandbox sb = sandboxes.newSandbox();
        String id = sandboxes.cliContainer();
        GenericContainer<?> c = null;
        String tcError = null;
        try {
            c = sandboxes.tcContainer();
        } catch (Throwable e) {
            tcError = Main.describe(e);
        }
        String area = "5. files";
        String peakNote = null;
        try {
            smallWrite(sb, id, c, area);
            int[] sizes = {1, 10, 100, 1024};
            for (int mib : sizes) {
                Path host = tmp.resolve("data-" + mib + ".bin");
                writeRandom(host, mib * MIB);
                Path back = tmp.resolve("back-" + mib + ".bin");
                boolean big = mib >= 100;
                int n = mib == 1024 ? (cfg.quick ? 1 : 3) : big ? (cfg.quick ? 3 : 5) : (cfg.quick ? 10 : 30);
                int warm = big ? 0 : 2;
                String ourPath = "/workspace/bench-" + mib + ".bin";
                String peerPath = "/tmp/bench-" + mib + ".bin";
                boolean readOnly = mib == 1;
                long size = mib * MIB;
                List<Double> ours;
                List<Double> cli;
                List<Double> tc = null;
                if (readOnly) {
                    sb.writeFile(ourPath, Files.newInputStream(host), size);
                    Cli.run("docker", "cp", host.toString(), id + ":" + peerPath);
                    ours = SandboxBench.time(n, warm, () -> expect(sb.readFileBytes(ourPath).length, size));
                    cli = SandboxBench.time(n, warm, () -> {
                        Cli.run("docker", "cp", id + ":" + peerPath, back.toString());
                        expect(Files.size(back), size);
                    });
                    if (c != null) {
                        GenericContainer<?> tcc = c;
                        tcc.copyFileToContainer(MountableFile.forHostPath(host), peerPath);
                        tc = SandboxBench.time(n, warm, () -> expect(tcc.copyFileFromContainer(peerPath, FilesBench::drain), size));
                    }
                } else {
                    long[] peak = {0};
                    SandboxBench.Body oursOnce = () -> {
                        try (InputStream in = Files.newInputStream(host)) {
                            sb.writeFile(ourPath, in, size);
                        }
                        try (InputStream in = sb.readFileStream(ourPath)) {
                            expect(drain(in), size);
                        }
                    };
                    SandboxBench.Body cliOnce = () -> {
                        Cli.run("docker", "cp", host.toString(), id + ":" + peerPath);
                        Cli.run("docker", "cp", id + ":" + peerPath, back.toString());
                        expect(Files.size(back), size);
                    };
                    if (big) { // interleaved, one of each per round: the machine's load falls on both alike
                        ours = new ArrayList<>();
                        cli = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            // each side starts with nothing of the other's left to write back: docker cp's
                            // copy out leaves its size dirty on the host, which throttled our next write
                            settle(back);
                            ours.addAll(timeWithPeakHeap(1, 0, peak, oursOnce));
                            settle(back);
                            cli.addAll(SandboxBench.time(1, 0, cliOnce));
                        }
                        settle(back);
                    } else {
                        ours = SandboxBench.time(n, warm, oursOnce);
                        cli = SandboxBench.time(n, warm, cliOnce);
                    }
                    if (mib == 1024) {
                        peakNote = String.format("ours streamed both ways with -Xmx %d MiB; peak heap used during"
                                        + " our transfers (incl. garbage, sampled every 10 ms) %.0f MiB; Testcontainers"
                                        + " not run at 1 GiB (about a minute per iteration); ours and docker cp"
                                        + " alternate, with a sync (untimed) before each so that neither pays for"
                                        + " writing back the other's data",
                                Runtime.getRuntime().maxMemory() / MIB, peak[0] / (double) MIB);
                    }
                    if (c != null && mib < 1024) {
                        GenericContainer<?> tcc = c;
                        tc = SandboxBench.time(n, warm, () -> {
                            tcc.copyFileToContainer(MountableFile.forHostPath(host), peerPath);
                            expect(tcc.copyFileFromContainer(peerPath, FilesBench::drain), size);
                        });
                    }
                }
                Stats o = new Stats(ours);
                Stats s = new Stats(cli);
                String label = mib == 1024 ? "1 GiB" : mib + " MiB";
                String what = (readOnly ? "1 MiB read" : label + " write + read") + " p50 (n=" + n + ")";
                Metric m = Metric.of(area, what, o.p(0.5), "ms").vs("docker cp CLI", s.p(0.5), false);
                if (mib == 1) {
                    m = m.target("< 30 ms", o.p(0.5) < 30);
                } else if (mib == 10) {
                    m = m.target("< 300 ms", o.p(0.5) < 300);
                } else {
                    m = m.target("at least as fast as docker cp", o.p(0.5) <= s.p(0.5));
                }
                if (peakNote != null) {
                    m = m.note(peakNote);
                    peakNote = null;
                }
                out.add(m);
                if (tc != null) {
                    out.add(Metric.of(area, what, o.p(0.5), "ms").vs("Testcontainers copyFileTo/FromContainer",
                            new Stats(tc).p(0.5), false));
                }
                Files.deleteIfExists(host);
                Files.deleteIfExists(back);
                sb.deleteFile(ourPath);
            }
            if (c == null) {
                out.add(Metric.notMeasured(area, "Testcontainers copy", tcError));
            }
        } finally {
            if (c != null) {
                c.stop();
            }
            Cli.run("docker", "rm", "-f", id);
            sb.destroy();
            sb.close();
        }
    }

    /** {@link SandboxBench#time} while a thread samples the heap in use; the largest sample lands in {@code peak[0]}. */
    private List<Double> timeWithPeakHeap(int n, int warm, long[] peak, SandboxBench.Body body) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Runtime rt = Runtime.getRuntime();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                peak[0] = Math.max(peak[0], rt.totalMemory() - rt.freeMemory());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        System.gc();
        sampler.start();
        try {
            return SandboxBench.time(n, warm, body);
        } finally {
            stop.set(true);
            sampler.join();
        }
    }

    /**
     * Untimed, between two large transfers: removes the peer's copy on the host and writes out what
     * the page cache holds dirty ({@code sync}), so that neither side's transfer pays for writing
     * back the other's.
     */
    private static void settle(Path back) throws IOException {
        Files.deleteIfExists(back);
        Cli.run("sync");
    }

    private static long drain(InputStream in) throws IOException {
        return in.transferTo(OutputStream.nullOutputStream());
    }

    /**
     * A small text file written, as a config or source file would be: ours goes through a helper
     * shell as the sandbox's user (as an argument record), the peers' through Docker's archive API.
     */
    private void smallWrite(Sandbox sb, String id, GenericContainer<?> c, String area) throws Exception {
        int n = cfg.quick ? 10 : 30;
        String text = "a line of a small source file, 4 KiB in all\n".repeat(93);
        Path host = tmp.resolve("small.txt");
        Files.writeString(host, text);
        List<Double> ours = SandboxBench.time(n, 2, () -> sb.writeFile("/workspace/bench-small.txt", text));
        List<Double> cli = SandboxBench.time(n, 2, () -> Cli.run("docker", "cp", host.toString(), id + ":/tmp/bench-small.txt"));
        String what = "4 KiB text write p50 (n=" + n + ")";
        out.add(Metric.of(area, what, new Stats(ours).p(0.5), "ms").vs("docker cp CLI", new Stats(cli).p(0.5), false)
                .note("ours: written by the sandbox's user through one of its helper shells (up to 8 KiB as an"
                        + " argument record, up to 16 MiB streamed to its stdin); larger ones, and the peers', through"
                        + " Docker's archive API"));
        if (c != null) {
            List<Double> tc = SandboxBench.time(n, 2, () -> c.copyFileToContainer(MountableFile.forHostPath(host),
                    "/tmp/bench-small.txt"));
            out.add(Metric.of(area, what, new Stats(ours).p(0.5), "ms").vs("Testcontainers copyFileToContainer",
                    new Stats(tc).p(0.5), false));
        }
        Files.deleteIfExists(host);
    }

    private static void expect(long got, long want) {
        if (got != want) {
            throw new IllegalStateException("got " + got + " bytes, expected " + want);
        }
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random r = new Random(42);
        byte[] buf = new byte[(int) MIB];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long w = 0; w < size; w += buf.length) {
                r.nextBytes(buf);
                o.write(buf);
            }
        }
    }
}
