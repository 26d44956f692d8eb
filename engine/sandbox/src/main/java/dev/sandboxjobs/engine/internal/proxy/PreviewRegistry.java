package dev.sandboxjobs.engine.internal.proxy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.PreviewOptions;
import dev.sandboxjobs.engine.SandboxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The exposed ports of the engine's sandboxes and the {@link PreviewTargets} the proxy reads.
 * Each sandbox gets one preview token on its first {@code exposePort}; all its ports share it,
 * so a holder of the token asking for a port that is not exposed gets a clear error rather than
 * a bare 404. The engine persists tokens and ports with the sandbox and calls {@link #restore}
 * after a restart; a destroyed sandbox is remembered (a bounded number of them) so that its URLs
 * answer 410 rather than 404.
 *
 * <pre>{@code
 * PreviewRegistry previews = new PreviewRegistry(PreviewOptions.defaults(), sandboxes); // proxy not started yet
 * ExposedPort web = previews.expose("my-sandbox", 8000, "web"); // starts the proxy if needed
 * previews.exposedPorts("my-sandbox");
 * previews.unexpose("my-sandbox", 8000);
 * }</pre>
 */
public final class PreviewRegistry implements PreviewTargets, AutoCloseable {
    /** Lowest port that can be exposed (as in the seed). */
    public static final int MIN_PORT = 1024;
    static final int MAX_TOMBSTONES = 10_000;

    /** The engine's view of its sandboxes' containers. */
    public interface Sandboxes {
        /** The state and container address of a sandbox; empty when the engine does not know it. */
        Optional<Status> status(String sandboxId);

        /** Starts a sleeping sandbox; true when it runs afterwards. Default: cannot wake. */
        default boolean wake(String sandboxId) {
            return false;
        }

        /** See {@link PreviewTargets#connectionOpened}; by default nothing is kept. */
        default AutoCloseable connectionOpened(String sandboxId) {
            return () -> { };
        }
    }

    /**
     * @param state running, sleeping or gone
     * @param address the container's address when running, else null
     */
    public record Status(PreviewTarget.State state, String address) {}

    private final PreviewProxy proxy;
    private final Sandboxes sandboxes;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> tombstones = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_TOMBSTONES;
        }
    };

    /** A registry with its own proxy (started on the first {@link #expose}), to the containers' IPs. */
    public PreviewRegistry(PreviewOptions options, Sandboxes sandboxes) {
        this(options, sandboxes, true, null);
    }

    /**
     * A registry with its own proxy, which reaches sandbox ports as the options say (see
     * {@link PreviewProxy#PreviewProxy(PreviewOptions, PreviewTargets, boolean, TunnelTransport)}).
     */
    public PreviewRegistry(PreviewOptions options, Sandboxes sandboxes, boolean localDocker, TunnelTransport tunnels) {
        this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
        this.proxy = new PreviewProxy(options, this, localDocker, tunnels);
    }

    /** A registry in front of an existing proxy (whose targets should be this registry). */
    public PreviewRegistry(PreviewProxy proxy, Sandboxes sandboxes) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
    }

    /** The proxy serving this registry's URLs. */
    public PreviewProxy proxy() {
        return proxy;
    }

    /** Stops the proxy. Safe to call twice. */
    @Override
    public void close() {
        proxy.close();
    }

    /**
     * Exposes a port and returns its preview URL, starting the proxy on first use. Exposing a port
     * again returns the same URL (with the new name, if one is given).
     */
    public ExposedPort expose(String sandboxId, int port, String name) {
        if (port < MIN_PORT || port > 65535) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Port " + port + " cannot be exposed: use a port"
                    + " between " + MIN_PORT + " and 65535, and make the service listen on 0.0.0.0.");
        }
        String url;
        synchronized (this) {
            Entry entry = entries.computeIfAbsent(sandboxId, id -> new Entry(PreviewTokens.newToken()));
            tombstones.remove(sandboxId);
            String previous = entry.ports.get(port);
            entry.ports.put(port, name != null ? name : previous);
            url = proxy.urlFor(sandboxId, port, entry.token);
            return new ExposedPort(port, url, entry.ports.get(port));
        }
    }

    /** Closes a port's preview URL. */
    public synchronized void unexpose(String sandboxId, int port) {
        Entry entry = entries.get(sandboxId);
        if (entry == null || !entry.ports.containsKey(port)) {
            throw new SandboxException(ErrorCode.PORT_NOT_EXPOSED, "Port " + port + " of sandbox " + sandboxId
                    + " is not exposed; getExposedPorts lists the exposed ones.");
        }
        entry.ports.remove(port);
        proxy.forget(sandboxId, port);
    }

    /** The exposed ports of a sandbox, in the order they were exposed. */
    public List<ExposedPort> exposedPorts(String sandboxId) {
        List<ExposedPort> list = new ArrayList<>();
        synchronized (this) {
            Entry entry = entries.get(sandboxId);
            if (entry == null || entry.ports.isEmpty()) {
                return List.of();
            }
            entry.ports.forEach((port, name) -> list.add(new ExposedPort(port, proxy.urlFor(sandboxId, port, entry.token), name)));
        }
        return list;
    }

    /** The sandbox's preview token, to persist with it; empty before its first exposePort. */
    public synchronized Optional<String> token(String sandboxId) {
        Entry entry = entries.get(sandboxId);
        return entry == null ? Optional.empty() : Optional.of(entry.token);
    }

    /** Re-registers a sandbox's persisted token and ports (port → name, names may be null). */
    public synchronized void restore(String sandboxId, String token, Map<Integer, String> ports) {
        if (!PreviewTokens.isWellFormed(token)) {
            throw new IllegalArgumentException("not a preview token");
        }
        Entry entry = new Entry(token);
        entry.ports.putAll(ports);
        entries.put(sandboxId, entry);
        tombstones.remove(sandboxId);
    }

    /** Forgets a destroyed sandbox; its preview URLs answer 410 from now on. */
    public synchronized void forget(String sandboxId) {
        Entry entry = entries.remove(sandboxId);
        if (entry != null) {
            tombstones.put(sandboxId, entry.token);
        }
        proxy.forget(sandboxId, -1);
    }

    @Override
    public List<PreviewTarget> lookup(String hostLabel) {
        List<String> live = new ArrayList<>();
        List<PreviewTarget> targets = new ArrayList<>();
        synchronized (this) {
            entries.keySet().stream().filter(id -> PreviewHost.labelOf(id).equals(hostLabel)).forEach(live::add);
            tombstones.forEach((id, token) -> {
                if (PreviewHost.labelOf(id).equals(hostLabel)) {
                    targets.add(new PreviewTarget(id, token, PreviewTarget.State.GONE, null, Set.of()));
                }
            });
        }
        for (String id : live) {
            target(id).ifPresent(targets::add);
        }
        return targets;
    }

    @Override
    public AutoCloseable connectionOpened(String sandboxId) {
        return sandboxes.connectionOpened(sandboxId);
    }

    @Override
    public Optional<PreviewTarget> wake(String sandboxId) {
        return sandboxes.wake(sandboxId) ? target(sandboxId) : Optional.empty();
    }

    private Optional<PreviewTarget> target(String sandboxId) {
        String token;
        Set<Integer> ports;
        synchronized (this) {
            Entry entry = entries.get(sandboxId);
            if (entry == null) {
                return Optional.empty();
            }
            token = entry.token;
            ports = Set.copyOf(entry.ports.keySet());
        }
        Status status = sandboxes.status(sandboxId).orElse(new Status(PreviewTarget.State.GONE, null));
        return Optional.of(new PreviewTarget(sandboxId, token, status.state(), status.address(), ports));
    }

    private static final class Entry {
        final String token;
        final Map<Integer, String> ports = new LinkedHashMap<>();

        Entry(String token) {
            this.token = token;
        }
    }
}
