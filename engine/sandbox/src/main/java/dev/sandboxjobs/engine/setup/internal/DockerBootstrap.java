package dev.sandboxjobs.engine.setup.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Finds a Docker engine and, where {@link DockerPlan} allows it, installs and starts one. */
final class DockerBootstrap {
    /** Where a dockerd started by setup writes its log. */
    public static final Path DAEMON_LOG = Path.of("/var/log/sandbox-jobs-dockerd.log");
    private static final Duration DAEMON_START_LIMIT = Duration.ofSeconds(90);
    private static final Map<String, String> APT_ENV =
            Map.of("DEBIAN_FRONTEND", "noninteractive", "NEEDRESTART_SUSPEND", "1");

    /** A connected engine and what setup had to do to get it. */
    public record Result(DockerClients.Connected connected, boolean installed, boolean started) {}

    private final Host host;
    private final Consumer<String> progress;
    private final String localDefaultHost;
    private final Duration startLimit;
    private final Path daemonLog;

    public DockerBootstrap(Host host, Consumer<String> progress) {
        this(host, progress, DockerClients.DEFAULT_HOST, DAEMON_START_LIMIT, DAEMON_LOG);
    }

    /** With another local socket, start limit and log: for tests that must not touch the real daemon. */
    DockerBootstrap(Host host, Consumer<String> progress, String localDefaultHost, Duration startLimit, Path daemonLog) {
        this.host = host;
        this.progress = progress;
        this.localDefaultHost = localDefaultHost;
        this.startLimit = startLimit;
        this.daemonLog = daemonLog;
    }

    /** Connects to {@code dockerHost}; if nothing answers, follows the plan (install, start, or fail). */
    public Result ensure(String dockerHost, boolean installAllowed) {
        String error;
        try {
            return new Result(DockerClients.connect(dockerHost), false, false);
        } catch (RuntimeException e) {
            error = describe(e);
        }
        DockerPlan plan = DockerPlan.decide(new DockerPlan.Facts(dockerHost, localDefaultHost.equals(dockerHost),
                error, host.osRelease().orElse(null), host.isRoot(), host.which("dockerd").isPresent(),
                installAllowed));
        switch (plan.action()) {
            case FAIL:
                throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE, plan.message());
            case INSTALL_AND_START:
                progress.accept(plan.message());
                install();
                try {
                    // the package's own init script may already have started the daemon
                    return new Result(DockerClients.connect(dockerHost), true, false);
                } catch (RuntimeException e) {
                    return new Result(startDaemon(dockerHost), true, true);
                }
            case START_DAEMON:
                progress.accept(plan.message());
                return new Result(startDaemon(dockerHost), false, true);
            default:
                throw new IllegalStateException(plan.action().name());
        }
    }

    private void install() {
        aptGet(AptGet.argv("update"));
        aptGet(AptGet.argv("install", "-y", "docker.io"));
        if (host.which("dockerd").isEmpty()) {
            throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE,
                    "apt-get installed docker.io but no dockerd is on the PATH; install Docker by hand and run setup again.");
        }
    }

    private void aptGet(List<String> argv) {
        progress.accept("$ " + String.join(" ", argv));
        List<String> tail = new ArrayList<>();
        int exit = host.run(argv, APT_ENV, line -> {
            progress.accept("  " + line);
            keepTail(tail, line);
        });
        if (exit != 0) {
            throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE, "`" + String.join(" ", argv)
                    + "` failed with exit code " + exit + " (" + String.join(" / ", tail)
                    + "). Fix the package manager's problem, or install Docker yourself, and run setup again.");
        }
    }

    private DockerClients.Connected startDaemon(String dockerHost) {
        Process daemon = null;
        if (Files.isDirectory(Path.of("/run/systemd/system")) && host.which("systemctl").isPresent()) {
            progress.accept("$ systemctl start docker");
            host.run(List.of("systemctl", "start", "docker"), Map.of(), line -> progress.accept("  " + line));
        } else {
            List<String> argv = new ArrayList<>();
            host.which("setsid").ifPresent(setsid -> argv.add(setsid.toString()));
            argv.add(host.which("dockerd").map(Path::toString).orElse("dockerd"));
            progress.accept("$ " + String.join(" ", argv) + "   (log: " + daemonLog + ")");
            daemon = host.startDetached(argv, daemonLog);
        }
        long deadline = System.nanoTime() + startLimit.toNanos();
        Duration grace = startLimit.dividedBy(6).compareTo(Duration.ofSeconds(15)) < 0 ? startLimit.dividedBy(6) : Duration.ofSeconds(15);
        long diedAt = 0;
        String lastError = "not started";
        while (System.nanoTime() < deadline) {
            try {
                DockerClients.Connected connected = DockerClients.connect(dockerHost);
                progress.accept("Docker " + connected.serverVersion() + " answers at " + dockerHost);
                return connected;
            } catch (RuntimeException e) {
                lastError = describe(e);
            }
            if (daemon != null && !daemon.isAlive()) {
                // Ours may have lost a race with a daemon the package's init script started: give that one a moment.
                if (diedAt == 0) {
                    diedAt = System.nanoTime();
                } else if (System.nanoTime() - diedAt > grace.toNanos()) {
                    throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE, "dockerd exited with code "
                            + daemon.exitValue() + " right after starting: " + logTail()
                            + ". See " + daemonLog + ", fix the cause, and run setup again.");
                }
            }
            sleep(500);
        }
        throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE, "dockerd did not answer at " + dockerHost
                + " within " + startLimit.toSeconds() + " s (" + lastError + "). See " + daemonLog
                + " and run setup again once it answers.");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(daemonLog);
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void keepTail(List<String> tail, String line) {
        tail.add(line);
        if (tail.size() > 3) {
            tail.remove(0);
        }
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.strip();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorCode.DOCKER_UNAVAILABLE, "interrupted while waiting for dockerd", e);
        }
    }
}
