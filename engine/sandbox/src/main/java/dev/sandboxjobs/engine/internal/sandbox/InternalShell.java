package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own long-lived shell in a sandbox, for engine-internal programs (argv, never a
 * shell string): about a millisecond a call where a Docker exec takes tens. Also watches the
 * container's out-of-memory kills through it.
 */
final class InternalShell {
    private static final Logger LOG = LoggerFactory.getLogger(InternalShell.class);

    private final String sandboxId;
    private final Containers containers;
    private final Object lock = new Object();
    private ShellSession shell;
    private final Object oomLock = new Object();
    private String oomContainer;
    private long oomKillsSeen;

    InternalShell(String sandboxId, Containers containers) {
        this.sandboxId = sandboxId;
        this.containers = containers;
    }

    /** Runs {@code argv} in {@code containerId}; falls back to a Docker exec when the shell cannot be used. */
    ExecOutput run(String containerId, List<String> argv, long maxBytes) {
        synchronized (lock) {
            try {
                if (shell == null || !shell.isAlive()) {
                    if (shell != null) {
                        shell.close();
                    }
                    shell = new ShellSession(containers, containerId, List.of(), "/");
                }
                return shell.call(argv, maxBytes, Duration.ofMinutes(5));
            } catch (ConflictException | NotFoundException e) {
                throw e;
            } catch (RuntimeException e) {
                if (shell != null) {
                    shell.close();
                    shell = null;
                }
                LOG.debug("The engine's shell in sandbox {} failed; using a Docker exec", sandboxId, e);
            }
        }
        return containers.exec(containerId, argv, List.of(), null, maxBytes);
    }

    /** Closes the shell; with {@code containerGoing} without killing its processes (the removal does). */
    void close(boolean containerGoing) {
        synchronized (lock) {
            if (shell != null) {
                if (containerGoing) {
                    shell.abandon();
                } else {
                    shell.close();
                }
                shell = null;
            }
        }
    }

    /**
     * Whether the kernel's out-of-memory killer killed a process in {@code containerId} since the
     * last call (the cgroup's {@code oom_kill} counter, v1 or v2, grew). Called after a command
     * ended with SIGKILL, to report an OOM kill as such. A new container starts from zero.
     */
    boolean oomKilledSinceLastCheck(String containerId) {
        synchronized (oomLock) {
            long now;
            try {
                ExecOutput o = run(containerId, List.of("cat", "/sys/fs/cgroup/memory.events",
                        "/sys/fs/cgroup/memory/memory.oom_control"), 8192);
                now = parseOomKills(o.stdoutText());
            } catch (RuntimeException e) {
                LOG.debug("Could not read the OOM counter of sandbox {}", sandboxId, e);
                return false;
            }
            long before = containerId.equals(oomContainer) ? oomKillsSeen : 0;
            oomContainer = containerId;
            oomKillsSeen = now;
            return now > before;
        }
    }

    static long parseOomKills(String text) {
        long max = 0;
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("oom_kill")) {
                try {
                    max = Math.max(max, Long.parseLong(parts[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return max;
    }
}
