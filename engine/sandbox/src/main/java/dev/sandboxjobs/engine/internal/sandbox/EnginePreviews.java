package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxStatus;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.ExecPortTunnel;
import dev.sandboxjobs.engine.internal.docker.ExecSockets;
import dev.sandboxjobs.engine.internal.docker.Relays;
import dev.sandboxjobs.engine.internal.proxy.PreviewRegistry;
import dev.sandboxjobs.engine.internal.proxy.PreviewTarget;
import dev.sandboxjobs.engine.internal.proxy.TunnelTransport;
import dev.sandboxjobs.storage.sandbox.PreviewPortRepository;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's preview URLs: one {@link PreviewRegistry} (and its proxy) for all sandboxes, with
 * tokens and exposed ports persisted next to the sandboxes and restored at engine start.
 */
public final class EnginePreviews implements PreviewRegistry.Sandboxes, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnginePreviews.class);

    private final PreviewRegistry registry;
    private final PreviewPortRepository repo;
    private volatile SandboxRegistry sandboxes;

    /** Previews that reach sandbox ports at their containers' IPs only. */
    public EnginePreviews(PreviewOptions options, PreviewPortRepository repo) {
        this.registry = new PreviewRegistry(options, this);
        this.repo = repo;
    }

    /**
     * Previews that reach sandbox ports as {@link PreviewOptions#upstream()} says, tunnelling
     * through Docker's exec API ({@link ExecPortTunnel}) where container IPs do not serve.
     *
     * @param sockets hijacked exec connections to the Docker host; null when the host allows none
     *     (then container IPs only)
     */
    public EnginePreviews(PreviewOptions options, PreviewPortRepository repo, Containers containers, ExecSockets sockets) {
        TunnelTransport tunnels = sockets == null ? null
                : new ExecPortTunnel(containers, sockets, this::runningContainer, Relays.DEFAULT_ORDER);
        this.registry = new PreviewRegistry(options, this, sockets == null || sockets.isLocalSocket(), tunnels);
        this.repo = repo;
    }

    private Optional<String> runningContainer(String sandboxId) {
        SandboxRegistry s = sandboxes;
        Optional<SandboxRuntime> runtime = s == null ? Optional.empty() : s.known(sandboxId);
        return runtime.filter(rt -> !rt.isDestroyed() && rt.status() == SandboxStatus.RUNNING)
                .map(SandboxRuntime::containerId);
    }

    /** Connects the sandboxes whose containers the proxy reaches. */
    public void attach(SandboxRegistry sandboxes) {
        this.sandboxes = sandboxes;
    }

    /** Re-registers persisted tokens and ports; starts the proxy when a port is exposed. Returns how many ports. */
    public int restore() {
        int ports = 0;
        for (PreviewPortRepository.Preview p : repo.list()) {
            try {
                registry.restore(p.sandboxId(), p.token(), p.ports());
                ports += p.ports().size();
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring the malformed preview token stored for sandbox {}", p.sandboxId());
            }
        }
        if (ports > 0) {
            startProxy();
        }
        return ports;
    }

    /** Starts the proxy now; returns its port. */
    public int startProxy() {
        return registry.proxy().start();
    }

    ExposedPort expose(SandboxRuntime sandbox, int port, String name) {
        if (sandbox.settings().network() == NetworkMode.NONE && !registry.proxy().tunnelsOnly()) {
            throw new SandboxException(ErrorCode.NETWORK_DISABLED, "Sandbox " + sandbox.id + " has no network"
                    + " (NetworkMode.NONE), so its container has no IP to reach. Create the sandbox with"
                    + " NetworkMode.BRIDGE to expose ports, or reach ports through Docker with"
                    + " SandboxEngine.Builder.previewUpstream(PreviewOptions.Upstream.DOCKER_EXEC).");
        }
        ExposedPort exposed = registry.expose(sandbox.id, port, name);
        String token = registry.token(sandbox.id).orElseThrow();
        repo.savePort(sandbox.id, token, port, exposed.name());
        return exposed;
    }

    void unexpose(SandboxRuntime sandbox, int port) {
        registry.unexpose(sandbox.id, port);
        repo.deletePort(sandbox.id, port);
    }

    List<ExposedPort> exposedPorts(SandboxRuntime sandbox) {
        return registry.exposedPorts(sandbox.id);
    }

    /** A sandbox was destroyed: its URLs answer 410 from now on and nothing is kept about them. */
    void forget(String sandboxId) {
        registry.forget(sandboxId);
        try {
            repo.delete(sandboxId);
        } catch (RuntimeException e) {
            LOG.debug("Could not delete the preview rows of sandbox {}", sandboxId, e);
        }
    }

    @Override
    public Optional<PreviewRegistry.Status> status(String sandboxId) {
        SandboxRegistry s = sandboxes;
        Optional<SandboxRuntime> runtime = s == null ? Optional.empty() : s.known(sandboxId);
        if (runtime.isEmpty() || runtime.get().isDestroyed()) {
            return Optional.empty();
        }
        SandboxRuntime rt = runtime.get();
        if (rt.status() != SandboxStatus.RUNNING) {
            return Optional.of(new PreviewRegistry.Status(PreviewTarget.State.SLEEPING, null));
        }
        String address = rt.address();
        if (address == null && rt.settings().network() != NetworkMode.NONE) {
            return Optional.of(new PreviewRegistry.Status(PreviewTarget.State.SLEEPING, null));
        }
        rt.recordActivity();
        return Optional.of(new PreviewRegistry.Status(PreviewTarget.State.RUNNING, address));
    }

    @Override
    public boolean wake(String sandboxId) {
        SandboxRegistry s = sandboxes;
        Optional<SandboxRuntime> runtime = s == null ? Optional.empty() : s.known(sandboxId);
        if (runtime.isEmpty()) {
            return false;
        }
        try {
            runtime.get().wake();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not wake sandbox {} for a preview request", sandboxId, e);
            return false;
        }
    }

    /** An open preview connection holds its sandbox awake until it closes. */
    @Override
    public AutoCloseable connectionOpened(String sandboxId) {
        SandboxRegistry s = sandboxes;
        Optional<SandboxRuntime> runtime = s == null ? Optional.empty() : s.known(sandboxId);
        return runtime.isEmpty() ? () -> { } : runtime.get().holds().hold();
    }

    /** Stops the proxy. Safe twice. */
    @Override
    public void close() {
        registry.close();
    }
}
