package dev.sandboxjobs.engine.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second, private Docker daemon for tests that restart Docker: its own data root, exec root,
 * pid file, socket, managed containerd, config file and bridge, so that the shared daemon is never
 * touched. Needs root and {@code dockerd}.
 *
 * <p>Its bridge is one this class creates ({@code sjd<hex>}, a private 10.231.x.0/24 address),
 * never {@code --bridge=none}: with the default bridge disabled, dockerd deletes the host's
 * {@code docker0} interface at start, which cuts the shared daemon's containers off its default
 * network (found the hard way; see RELIABILITY.md).
 */
final class PrivateDockerd implements AutoCloseable {
    final Path dir;
    final String host;
    private final String bridge;
    private final List<String> args;
    private Process process;

    private PrivateDockerd(Path dir, String bridge, List<String> args) {
        this.dir = dir;
        this.host = "unix://" + dir.resolve("docker.sock");
        this.bridge = bridge;
        this.args = args;
    }

    /** Why a private daemon cannot run here, or null when it can. */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root (a second dockerd needs root)";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/dockerd")) && !Files.isExecutable(Path.of("/usr/bin/dockerd"))) {
            return "no dockerd binary";
        }
        return null;
    }

    static PrivateDockerd start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /**
     * A daemon that also listens on {@code tcp://127.0.0.1:port} with TLS, verifying clients
     * against {@code ca.pem} in {@code certs} (its own {@code server-cert.pem} and
     * {@code server-key.pem} there too): a "remote" Docker host on this machine.
     */
    static PrivateDockerd startWithTls(Path certs, int port) throws IOException, InterruptedException {
        return start(List.of("-H", "tcp://127.0.0.1:" + port, "--tlsverify",
                "--tlscacert", certs.resolve("ca.pem").toString(),
                "--tlscert", certs.resolve("server-cert.pem").toString(),
                "--tlskey", certs.resolve("server-key.pem").toString()));
    }

    private static PrivateDockerd start(List<String> extra) throws IOException, InterruptedException {
        byte[] b = new byte[3];
        SecureRandom random = new SecureRandom();
        random.nextBytes(b);
        String bridge = "sjd" + HexFormat.of().formatHex(b);
        int net = 1 + random.nextInt(250);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sjd");
        Files.writeString(dir.resolve("daemon.json"), "{}");
        run("ip", "link", "add", "name", bridge, "type", "bridge");
        run("ip", "addr", "add", "10.231." + net + ".1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        List<String> args = new ArrayList<>(List.of("dockerd",
                "--config-file", dir.resolve("daemon.json").toString(),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(),
                "-H", "unix://" + dir.resolve("docker.sock"),
                "--bridge", bridge,
                "--iptables=false", "--ip-masq=false",
                "--cgroup-parent", "/" + bridge,
                "--shutdown-timeout", "2"));
        args.addAll(extra);
        PrivateDockerd d = new PrivateDockerd(dir, bridge, args);
        try {
            d.startDaemon();
        } catch (IOException | RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    void startDaemon() throws IOException, InterruptedException {
        process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the private dockerd exited with " + process.exitValue() + ":\n" + log());
            }
            if (docker(List.of("version", "--format", "{{.Server.Version}}"), 10).exit == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the private dockerd did not answer within 60 s:\n" + log());
    }

    /** Stops the daemon (SIGTERM: it stops its containers) and starts it again on the same state. */
    void restart() throws IOException, InterruptedException {
        stop();
        startDaemon();
    }

    /** SIGTERM and wait; its containers stop with it. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    String log() throws IOException {
        Path f = dir.resolve("dockerd.log");
        String s = Files.exists(f) ? Files.readString(f) : "";
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /** Copies an image of the shared daemon into this one. */
    void loadImage(String image) throws IOException, InterruptedException {
        Path tar = dir.resolve("image.tar");
        Result save = exec(List.of("docker", "save", "-o", tar.toString(), image), 600);
        if (save.exit != 0) {
            throw new IllegalStateException("docker save " + image + " failed: " + save.out);
        }
        Result load = docker(List.of("load", "-i", tar.toString()), 600);
        Files.deleteIfExists(tar);
        if (load.exit != 0) {
            throw new IllegalStateException("docker load into the private daemon failed: " + load.out);
        }
    }

    /** Ids of this daemon's containers (all states) carrying {@code label}. */
    List<String> containers(String label) throws IOException, InterruptedException {
        Result r = docker(List.of("ps", "-aq", "--filter", "label=" + label), 60);
        if (r.exit != 0) {
            throw new IllegalStateException("docker ps failed: " + r.out);
        }
        return r.out.lines().filter(l -> !l.isBlank()).toList();
    }

    Result docker(List<String> a, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", host));
        argv.addAll(a);
        return exec(argv, timeoutSeconds);
    }

    record Result(int exit, String out) {}

    static Result exec(List<String> argv, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Result r = exec(List.of(argv), 60);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.out);
        }
    }

    /** Removes its containers, stops it, deletes its bridge and its directory. */
    @Override
    public void close() throws InterruptedException, IOException {
        try {
            if (process != null && process.isAlive()) {
                Result ids = docker(List.of("ps", "-aq"), 60);
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                ids.out.lines().filter(l -> !l.isBlank()).forEach(rm::add);
                if (rm.size() > 2) {
                    docker(rm, 120);
                }
            }
            stop();
        } finally {
            exec(List.of("ip", "link", "delete", bridge), 60);
            // overlay mounts are gone with the daemon; anything left mounted is unmounted first
            exec(List.of("sh", "-c", "grep -o \" $0[^ ]*\" /proc/mounts | sort -r | xargs -r -n1 umount -l", dir.toString()), 60);
            exec(List.of("rm", "-rf", "--one-file-system", dir.toString()), 300);
        }
    }
}
