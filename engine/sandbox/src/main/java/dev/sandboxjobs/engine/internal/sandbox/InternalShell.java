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
 * Runs the engine's own programs in a sandbox (argv, never a shell string) through its
 * {@link HelperShells}: about a millisecond a call where a Docker exec takes tens. Also watches the
 * container's out-of-memory kills through them.
 */
final class InternalShell {
    private static final Logger LOG = LoggerFactory.getLogger(InternalShell.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final String sandboxId;
    private final Containers containers;
    private final HelperShells shells;
    private final Object oomLock = new Object();
    private String oomContainer;
    private long oomKillsSeen;

    InternalShell(String sandboxId, Containers containers, HelperShells shells) {
        this.sandboxId = sandboxId;
        this.containers = containers;
        this.shells = shells;
    }

    /** Runs {@code argv} in {@code containerId}; falls back to a Docker exec when no helper shell can be used. */
    ExecOutput run(String containerId, List<String> argv, long maxBytes) {
        return run(containerId, argv, argv, maxBytes);
    }

    /**
     * Runs {@code shellArgv} through a helper shell, which may name one of its functions
     * ({@link Scripts#SESSION_BOOT}), or {@code execArgv}, the same program for a Docker exec,
     * when no helper shell can be used.
     */
    ExecOutput run(String containerId, List<String> shellArgv, List<String> execArgv, long maxBytes) {
        try {
            return shells.call(containerId, shellArgv, maxBytes, TIMEOUT);
        } catch (ConflictException | NotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("The helper shell in sandbox {} failed; using a Docker exec", sandboxId, e);
        }
        return containers.exec(containerId, execArgv, List.of(), null, maxBytes);
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
