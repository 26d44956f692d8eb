package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker operations of the sandbox backend. Every exec here runs a fixed argv; user data
 * travels as separate arguments or environment entries, never inside a shell string.
 */
public final class Containers {
    private static final Logger LOG = LoggerFactory.getLogger(Containers.class);
    /** Capabilities kept: enough for package managers and file ownership, nothing for the host. */
    static final Capability[] KEPT_CAPABILITIES = {
            Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.FSETID,
            Capability.KILL, Capability.SETGID, Capability.SETUID, Capability.NET_BIND_SERVICE};

    /** The {@link Spec#networkMode} of a sandbox whose egress goes through the engine's proxy. */
    public static final String EGRESS_NETWORK = "egress";
    /**
     * The label holding the user a sandbox's commands run as. The container itself runs as root
     * (so that the engine's own setup keeps root's capabilities); every exec for the sandbox's
     * user goes as this user, which Docker starts with no capability at all.
     */
    public static final String USER_LABEL = "dev.sandboxjobs.user";
    /** The user of the engine's own setup steps in a container. */
    public static final String ROOT = "0:0";

    private final DockerClient docker;
    private final String host;
    private final ContainerArchives archives;
    private final ExecSockets sockets;
    private volatile EgressService egress;
    private final Map<String, String> users = new ConcurrentHashMap<>();
    /** "imageId user" of images whose containers need no preparation for that user (see prepareUnlessKnownReady). */
    private final Set<String> readyImages = ConcurrentHashMap.newKeySet();

    public Containers(DockerClient docker, String host) {
        this(docker, host, null);
    }

    /** With the negotiated API version, archives on a local Unix socket bypass docker-java (see {@link SocketArchives}). */
    public Containers(DockerClient docker, String host, String apiVersion) {
        this(docker, host, apiVersion, null);
    }

    /**
     * As {@link #Containers(DockerClient, String, String)}, with the hijacked exec connections
     * ({@code sockets}, null when the host allows none) that long-lived shells speak over.
     */
    public Containers(DockerClient docker, String host, String apiVersion, ExecSockets sockets) {
        this.docker = docker;
        this.host = host;
        this.sockets = sockets;
        this.archives = new ContainerArchives(docker, apiVersion == null ? null : SocketArchives.forHost(host, apiVersion));
    }

    /** Writes a tar archive onto a request body. */
    @FunctionalInterface
    public interface TarBody {
        void writeTo(OutputStream out) throws IOException;
    }

    public DockerClient client() {
        return docker;
    }

    /** The engine's egress (network, proxy, firewall rules), used by containers with {@link #EGRESS_NETWORK}. */
    public void useEgress(EgressService value) {
        egress = value;
    }

    /** Hijacked exec connections to the engine, or null when its address allows none (then docker-java's attach). */
    public ExecSockets sockets() {
        return sockets;
    }

    /** The Docker engine's address, for messages. */
    public String host() {
        return host;
    }

    /**
     * The settings of a new container.
     *
     * @param networkMode {@code none}, {@link #EGRESS_NETWORK} (the egress proxy's network, with
     *                    firewall rules), or a Docker network mode
     * @param user        the user commands run as, or null for the image's
     */
    public record Spec(String name, String image, Map<String, String> labels, long memoryBytes, Double cpus,
                       long pidsLimit, String networkMode, List<VolumeMount> volumes, Long diskBytes, String user) {
        public Spec {
            volumes = volumes == null ? List.of() : List.copyOf(volumes);
        }
    }

    /** Creates and starts a container; returns its id. */
    public String createAndStart(Spec spec) {
        return createAndStart(spec, id -> { });
    }

    /**
     * Creates and starts a container; returns its id once it is ready for its user. {@code whenPrepared}
     * is told the id as soon as the container is prepared for its user, possibly before a proxied
     * container's firewall rules are in force: it may start processes that wait for commands (the
     * session shell), never run any.
     */
    public String createAndStart(Spec spec, Consumer<String> whenPrepared) {
        HostConfig hostConfig = HostConfig.newHostConfig()
                .withInit(true)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withCapDrop(Capability.ALL)
                .withCapAdd(KEPT_CAPABILITIES)
                .withPidsLimit(spec.pidsLimit())
                .withMemory(spec.memoryBytes())
                .withMemorySwap(spec.memoryBytes())
                .withNetworkMode(spec.networkMode());
        boolean proxied = EGRESS_NETWORK.equals(spec.networkMode());
        Map<String, String> labels = spec.labels();
        List<String> env = List.of();
        EgressService.Attachment a = null;
        EgressService service = null;
        if (proxied) {
            service = egressOrFail();
            a = service.attachment();
            hostConfig.withNetworkMode(a.network()).withSysctls(Map.of("net.ipv6.conf.all.disable_ipv6", "1"));
            env = a.env();
            labels = new LinkedHashMap<>(labels);
            labels.put(EgressService.PROXIED_LABEL, "proxy");
        }
        if (spec.user() != null) {
            labels = new LinkedHashMap<>(labels);
            labels.put(USER_LABEL, spec.user());
        }
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
            cmd.withName(spec.name())
                    .withLabels(labels)
                    .withEnv(env);
            if (spec.user() != null) {
                cmd.withUser(ROOT);
            }
            id = cmd.withEntrypoint("sleep", "infinity")
                    .withCmd(List.of())
                    .withHostConfig(hostConfig)
                    .exec()
                    .getId();
        } catch (NotFoundException e) {
            if (spec.image().startsWith(SandboxSnapshot.REPOSITORY + ":")) {
                throw new SandboxException(ErrorCode.SNAPSHOT_NOT_FOUND, "The snapshot " + spec.image()
                        + " no longer exists (deleted, or expired). List them with engine.listSnapshots(),"
                        + " or take a new one with sandbox.snapshot().", e);
            }
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
        users.put(id, spec.user() == null ? "" : spec.user());
        try {
            if (proxied) {
                GuardedStart.start(this, id, spec, service, a, whenPrepared);
            } else {
                docker.startContainerCmd(id).exec();
                prepareUnlessKnownReady(id, spec);
                whenPrepared.accept(id);
            }
        } catch (SandboxException e) {
            remove(id);
            throw e;
        } catch (RuntimeException e) {
            remove(id);
            throw DockerErrors.error("Cannot start the sandbox container", e);
        }
        return id;
    }

    /**
     * Prepares a container without a proxy ({@link ContainerPreparation}), unless an earlier container
     * of the same image (by id: its layers cannot change) for the same non-root user, also without
     * writable volumes, was found to need nothing: then every container of that image is ready as it
     * starts (the engine's images make the user's directories), and one Docker exec is saved.
     */
    private void prepareUnlessKnownReady(String id, Spec spec) {
        String key = null;
        if (!ContainerPreparation.runsAsRoot(spec.user()) && spec.volumes().stream().allMatch(VolumeMount::readOnly)) {
            try {
                key = docker.inspectContainerCmd(id).exec().getImageId() + " " + spec.user();
            } catch (RuntimeException e) {
                key = null; // prepare it, as if the image were unknown
            }
            if (key != null && readyImages.contains(key)) {
                return;
            }
        }
        if (ContainerPreparation.prepare(this, id, spec, null) && key != null) {
            readyImages.add(key);
        }
    }

    private EgressService egressOrFail() {
        EgressService e = egress;
        if (e == null) {
            throw new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "This engine has no egress proxy; give the"
                    + " sandbox EgressPolicy.none().");
        }
        return e;
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
        } catch (ConflictException e) {
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

    /**
     * When the container stopped, if it is seen stopped within {@code wait} (after a shell died by
     * a signal, Docker may report the container running for a moment); {@code Instant.MIN} if it
     * is gone or the time is unknown, null if it still runs.
     */
    public Instant stoppedAt(String containerId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state = containerId == null ? null : state(containerId);
            if (state == null) {
                return Instant.MIN;
            }
            if (!Boolean.TRUE.equals(state.getRunning())) {
                try {
                    return Instant.parse(state.getFinishedAt());
                } catch (RuntimeException e) {
                    return Instant.MIN;
                }
            }
            if (System.nanoTime() >= deadline) {
                return null;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
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

    /** Starts a stopped container; a proxied one gets its firewall rules again (a new network namespace). */
    public void start(String containerId) {
        DaemonStartup.startContainer(docker, host, containerId);
        EgressService e = egress;
        if (e == null) {
            return;
        }
        Map<String, String> labels;
        try {
            labels = docker.inspectContainerCmd(containerId).exec().getConfig().getLabels();
        } catch (NotFoundException ex) {
            return;
        }
        if (labels != null && labels.containsKey(EgressService.PROXIED_LABEL)) {
            try {
                e.guard(containerId);
            } catch (RuntimeException ex) {
                stop(containerId);
                throw ex;
            }
        }
    }

    public void stop(String containerId) {
        try {
            docker.stopContainerCmd(containerId).withTimeout(1).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (NotModifiedException e) {
            // already stopped
        }
    }

    /** Removes a container with its anonymous volumes; no error when it is gone. */
    public void remove(String containerId) {
        EgressService service = egress;
        if (service != null) {
            service.forgetContainer(containerId);
        }
        users.remove(containerId);
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
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
        return exec(containerId, argv, env, workdir, maxBytes, null);
    }

    /**
     * The user a container's commands run as ({@link #USER_LABEL}), or null for the image's
     * (containers made before users existed). Cached; read from the container once.
     */
    public String userOf(String containerId) {
        String u = users.get(containerId);
        if (u == null) {
            try {
                Map<String, String> labels = docker.inspectContainerCmd(containerId).exec().getConfig().getLabels();
                u = labels == null ? null : labels.get(USER_LABEL);
            } catch (NotFoundException e) {
                return null;
            }
            u = u == null ? "" : u;
            users.put(containerId, u);
        }
        return u.isEmpty() ? null : u;
    }

    /**
     * As {@link #exec(String, List, List, String, long)}, as {@code user}; null runs as the
     * sandbox's user ({@link #userOf}), {@link #ROOT} as root with the container's capabilities.
     */
    public ExecOutput exec(String containerId, List<String> argv, List<String> env, String workdir, long maxBytes,
                           String user) {
        var create = docker.execCreateCmd(containerId);
        String as = user != null ? user : userOf(containerId);
        if (as != null) {
            create.withUser(as);
        }
        String execId = create
                .withCmd(argv.toArray(String[]::new))
                .withEnv(env)
                .withWorkingDir(workdir)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        return ExecCollector.collect(docker, execId, argv.get(0), maxBytes);
    }

    /** Streams a tar archive into {@code directory} of the container. */
    public void putArchive(String containerId, String directory, InputStream tar) {
        archives.put(containerId, directory, tar);
    }

    /**
     * Streams the tar archive {@code body} writes into {@code directory} of the container (see
     * {@link ContainerArchives#put(String, String, TarBody)}).
     */
    public void putArchive(String containerId, String directory, TarBody body) {
        archives.put(containerId, directory, body);
    }

    /** A tar archive of {@code path} straight from Docker, buffered; the caller closes it. */
    public InputStream getArchive(String containerId, String path) {
        return archives.get(containerId, path);
    }

    public void close() {
        try {
            docker.close();
        } catch (Exception e) {
            // closing a client that failed is not an error worth reporting
        }
    }
}
