package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code docker start} against a daemon that may have just restarted. Such a daemon refuses for
 * a moment while its network store comes up (500 "failed to update store for object type
 * *libnetwork.endpoint", 403 "endpoint with name … already exists in network none"), and a
 * sandbox whose shell saw the restart asks for its container at once. Docker's refusals other
 * than "no such container" (the caller makes a new one) and "already started" are tried again for
 * {@link #RETRY}, then are a typed error that a job run retries as an infrastructure fault.
 */
final class DaemonStartup {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonStartup.class);
    /** How long a refused start is tried again before it is a typed error. */
    static final Duration RETRY = Duration.ofSeconds(10);

    private DaemonStartup() {}

    static void startContainer(DockerClient docker, String host, String containerId) {
        long deadline = System.nanoTime() + RETRY.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                docker.startContainerCmd(containerId).exec();
                return;
            } catch (NotFoundException | NotModifiedException e) {
                throw e;
            } catch (DockerException e) {
                if (System.nanoTime() > deadline) {
                    throw new SandboxException(ErrorCode.SANDBOX_ERROR, "The Docker engine at " + host
                            + " could not start container " + containerId + " (" + DockerErrors.rootMessage(e)
                            + "); try again, or see the daemon's log.", e);
                }
                LOG.debug("Starting container {} failed (attempt {}), trying again: {}", containerId, attempt,
                        e.getMessage());
                try {
                    Thread.sleep(Math.min(100L * attempt, 1000L));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while starting container "
                            + containerId, e);
                }
            }
        }
    }
}
