package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.VolumeMount;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.util.ArrayList;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The Docker operations of the sandbox backend. Every exec here runs a fixed argv; user data
 * travels as separate arguments or environment entries, never inside a shell string.
 */
public final class Containers {
    /** Capabilities kept: enough for package managers and file ownership, nothing for the host. */
    static final Capability[] KEPT_CAPABILITIES = {
            Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.FSETID,
            Capability.KILL, Capability.SETGID, Capability.SETUID, Capability.NET_BIND_SERVICE};

    private final DockerClient docker;
    private final String host;

    public Containers(DockerClient docker, String host) {
        this.docker = docker;
        this.host = host;
    }

    public DockerClient client() {
        return docker;
    }

    /** The Docker engine's address, for messages. */
    public String host() {
        return host;
    }

    /** The settings of a new container. */
    public record Spec(String name, String image, Map<String, String> labels, long memoryBytes, Double cpus,
                       long pidsLimit, String networkMode, List<VolumeMount> volumes, Long diskBytes) {
        public Spec {
            volumes = volumes == null ? List.of() : List.copyOf(volumes);
        }
    }

    /** Creates and starts a container; returns its id. */
    public String createAndStart(Spec spec) {
        HostConfig hostConfig = HostConfig.newHostConfig()
                .withInit(true)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withCapDrop(Capability.ALL)
                .withCapAdd(KEPT_CAPABILITIES)
                .withPidsLimit(spec.pidsLimit())
                .withMemory(spec.memoryBytes())
                .withMemorySwap(spec.memoryBytes())
                .withNetworkMode(spec.networkMode());
        if (spec.cpus() != null) {
            hostConfig.withNanoCPUs((long) (spec.cpus() * 1_000_000_000L));
        }
        if (spec.diskBytes() != null) {
            hostConfig.withStorageOpt(Map.of("size", Long.toString(spec.diskBytes())));
        }
        if (!spec.volumes().isEmpty()) {
            List<Mount> mounts = new ArrayList<>();
            for (VolumeMount v : spec.volumes()) {
                ensureVolume(v.name());
                // type=volume only: a bind of a host path (or the Docker socket) cannot be expressed here
                mounts.add(new Mount().withType(MountType.VOLUME).withSource(v.name()).withTarget(v.containerPath())
                        .withReadOnly(v.readOnly()));
            }
            hostConfig.withMounts(mounts);
        }
        String id;
        try (CreateContainerCmd cmd = docker.createContainerCmd(spec.image())) {
            id = cmd.withName(spec.name())
                    .withLabels(spec.labels())
                    .withEntrypoint("sleep", "infinity")
                    .withCmd(List.of())
                    .withHostConfig(hostConfig)
                    .exec()
                    .getId();
        } catch (NotFoundException e) {
            throw new SandboxException(ErrorCode.IMAGE_MISSING, "The sandbox image " + spec.image()
                    + " does not exist on the Docker engine at " + host
                    + ". Run ./sandbox-jobs setup to build it, or choose another image.", e);
        } catch (SandboxException e) {
            throw e;
        } catch (RuntimeException e) {
            if (spec.diskBytes() != null && String.valueOf(e.getMessage()).contains("storage-opt")) {
                throw new SandboxException(ErrorCode.DISK_LIMIT_UNSUPPORTED, "The Docker engine at " + host
                        + " cannot limit a sandbox's disk with its storage driver (Docker said: "
                        + DockerErrors.rootMessage(e) + "). A disk limit needs overlay2 on xfs mounted with pquota,"
                        + " btrfs, zfs or devicemapper; leave diskBytes unset here.", e);
            }
            throw DockerErrors.error("Cannot create a container from " + spec.image(), e);
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            remove(id);
            throw DockerErrors.error("Cannot start the sandbox container", e);
        }
        return id;
    }

    /** Creates the named volume, labelled {@code dev.sandboxjobs.volume=cache}, unless it exists. */
    void ensureVolume(String name) {
        try {
            docker.inspectVolumeCmd(name).exec();
            return;
        } catch (NotFoundException e) {
            // create it below
        }
        try {
            docker.createVolumeCmd().withName(name).withLabels(Map.of(VolumeMount.VOLUME_LABEL, "cache")).exec();
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            // created concurrently by another sandbox
        } catch (RuntimeException e) {
            throw DockerErrors.error("Cannot create the volume " + name, e);
        }
    }

    /** The container's state, or null when it does not exist. */
    public InspectContainerResponse.ContainerState state(String containerId) {
        try {
            return docker.inspectContainerCmd(containerId).exec().getState();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The container's IP address on its first network, or null when it has none (stopped, or network none). */
    public String ipAddress(String containerId) {
        try {
            var settings = docker.inspectContainerCmd(containerId).exec().getNetworkSettings();
            if (settings == null) {
                return null;
            }
            if (settings.getNetworks() != null) {
                for (var network : settings.getNetworks().values()) {
                    if (network.getIpAddress() != null && !network.getIpAddress().isBlank()) {
                        return network.getIpAddress();
                    }
                }
            }
            String ip = settings.getIpAddress();
            return ip == null || ip.isBlank() ? null : ip;
        } catch (NotFoundException e) {
            return null;
        }
    }

    public void start(String containerId) {
        docker.startContainerCmd(containerId).exec();
    }

    public void stop(String containerId) {
        try {
            docker.stopContainerCmd(containerId).withTimeout(1).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (com.github.dockerjava.api.exception.NotModifiedException e) {
            // already stopped
        }
    }

    /** Removes a container with its anonymous volumes; no error when it is gone. */
    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (com.github.dockerjava.api.exception.ConflictException e) {
            // removal already in progress
        }
    }

    /** Every container, running or not, carrying {@code label=value}. */
    public List<Container> listByLabel(String label, String value) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value)).exec();
    }

    /** Runs {@code argv} in the container and collects its output (at most {@code maxBytes} per stream). */
    public ExecOutput exec(String containerId, List<String> argv, List<String> env, String workdir, long maxBytes) {
        String execId = docker.execCreateCmd(containerId)
                .withCmd(argv.toArray(String[]::new))
                .withEnv(env)
                .withWorkingDir(workdir)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        Collector collector = new Collector(maxBytes);
        try {
            docker.execStartCmd(execId).exec(collector).awaitCompletion();
        } catch (com.github.dockerjava.api.exception.DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DockerErrors.error("Exec in the sandbox failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while waiting for " + argv.get(0), e);
        }
        if (collector.failure != null) {
            throw DockerErrors.error("Exec in the sandbox failed", collector.failure);
        }
        Long exit = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        return new ExecOutput(exit == null ? -1 : exit.intValue(), collector.out.toByteArray(), collector.err.toByteArray());
    }

    /** Streams a tar archive into {@code directory} of the container. */
    public void putArchive(String containerId, String directory, InputStream tar) {
        docker.copyArchiveToContainerCmd(containerId)
                .withRemotePath(directory)
                .withTarInputStream(tar)
                .exec();
    }

    /** A tar archive of {@code path} straight from Docker; the caller closes it. */
    public InputStream getArchive(String containerId, String path) {
        return docker.copyArchiveFromContainerCmd(containerId, path).exec();
    }

    public void close() {
        try {
            docker.close();
        } catch (Exception e) {
            // closing a client that failed is not an error worth reporting
        }
    }

    private static final class Collector extends ResultCallback.Adapter<Frame> {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final long maxBytes;
        volatile Throwable failure;

        Collector(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onNext(Frame frame) {
            ByteArrayOutputStream target = frame.getStreamType() == StreamType.STDERR ? err : out;
            byte[] p = frame.getPayload();
            int room = (int) Math.max(0, Math.min(p.length, maxBytes - target.size()));
            target.write(p, 0, room);
        }

        @Override
        public void onError(Throwable throwable) {
            failure = throwable;
            super.onError(throwable);
        }
    }
}
