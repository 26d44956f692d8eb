package dev.sandboxjobs.engine.egress.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Egress for one engine: the network proxied sandboxes join, the firewall rules of each, the
 * proxy that knows them by address, the live policies, the CA and the egress logs. Started on
 * first use (an engine whose sandboxes have no network never starts a proxy).
 */
public final class EgressService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EgressService.class);
    /** The label of a container whose egress goes through the proxy. */
    public static final String PROXIED_LABEL = "dev.sandboxjobs.egress";
    /** The port sandboxes send proxy traffic to, on the network's gateway (translated to the proxy's). */
    public static final int SANDBOX_PROXY_PORT = 3128;

    /** Who owns containers, and the policy a sandbox was created with; implemented by the sandbox registry. */
    public interface Owners {
        /** The id of the sandbox whose container this is, or null. */
        String sandboxOf(String containerId);

        /** The policy stored with the sandbox (without secrets), or null when the sandbox is unknown. */
        EgressPolicy storedPolicy(String sandboxId);
    }

    /**
     * What a new proxied container gets: the network, its environment ({@link ProxyClients}), and
     * the proxy's address as the sandbox sees it.
     */
    public record Attachment(String network, List<String> env, String proxyHost, int proxyPort) {}

    private final DockerClient docker;
    private final String engineId;
    private final EgressSettings settings;
    private final Clock clock;
    private final EgressLog log;
    private volatile Map<InetAddress, String> containerByAddress = Map.of();
    private final Map<String, EgressPolicy> live = new ConcurrentHashMap<>();
    private volatile Owners owners;
    private EgressProxy proxy;
    private NetnsGuard guard;
    private String gateway;
    private CertificateAuthority ca;
    private volatile long lastRefresh;

    public EgressService(DockerClient docker, String engineId, EgressSettings settings, Clock clock) {
        this.docker = docker;
        this.engineId = engineId;
        this.settings = settings;
        this.clock = clock;
        this.log = new EgressLog(settings.stateDirectory().resolve("log"));
    }

    public void attach(Owners value) {
        owners = value;
    }

    /** Ensures the network and the proxy; what a new proxied container is created with. */
    public Attachment attachment() {
        String gw = ensureStarted();
        return new Attachment(EgressNetwork.NAME, ProxyClients.environment(gw, SANDBOX_PROXY_PORT), gw,
                SANDBOX_PROXY_PORT);
    }

    /**
     * Serves the proxy of proxied containers of this engine that outlived the process that made
     * them (a restarted worker, one command-line process after another): when one runs and no
     * process listens on the proxy's port of the last run, the proxy starts there at once, so that
     * the rules in force lead to it again before anyone asks this engine for those sandboxes. When
     * something listens there already (another process of the same engine, which serves them), this
     * leaves it be.
     */
    public void resumeForRunning() {
        if (docker.listContainersCmd().withLabelFilter(Map.of(Labels.ENGINE, engineId, PROXIED_LABEL, "proxy"))
                .exec().isEmpty()) {
            return;
        }
        synchronized (this) {
            if (proxy != null) {
                return;
            }
            int previous = readPort(settings.stateDirectory().resolve("proxy-port-" + engineId));
            if (previous > 0) {
                String gw = new EgressNetwork(docker).ensure();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(gw, previous), 500);
                    LOG.info("The egress proxy of this engine's running sandboxes is served by another process on {}:{}",
                            gw, previous);
                    return;
                } catch (IOException e) {
                    // nobody listens: serve it here
                }
            }
            ensureStarted();
        }
    }

    /** Installs the firewall rules of a started proxied container and learns its address. */
    public void guard(String containerId) {
        finishGuard(beginGuard(containerId, null));
        learnAddresses();
    }

    /** A proxied container's firewall rules on their way: what {@link #finishGuard} installs. */
    public record Guarding(String containerId, String gateway, int proxyPort) {}

    /**
     * First half of {@link #guard}: makes sure the guard that installs the rules of
     * {@code containerId} runs; the container need not be started yet (so that this overlaps its
     * start). Follow with {@link #finishGuard} once the container runs (nothing to undo if it never does).
     *
     * @param created the attachment the container was just created with (its network was checked
     *                then), or null to check the network and the proxy again
     */
    public Guarding beginGuard(String containerId, Attachment created) {
        String gw;
        int port;
        synchronized (this) {
            boolean current = created != null && proxy != null && created.proxyHost().equals(gateway);
            gw = current ? gateway : ensureStarted();
            port = proxy.port();
        }
        try {
            helper().prepare();
        } catch (RuntimeException e) {
            throw guardFailed(e);
        }
        return new Guarding(containerId, gw, port);
    }

    /** Second half of {@link #guard}: installs the rules in the started container's namespace; they are in force on return. */
    public void finishGuard(Guarding g) {
        try {
            helper().apply(g.containerId(), g.gateway(), g.proxyPort());
        } catch (RuntimeException e) {
            throw guardFailed(e);
        }
    }

    private synchronized NetnsGuard helper() {
        return guard;
    }

    /** Learns the addresses of the containers on the network, a new one's included (so that the proxy knows whose connection it serves). */
    public void learnAddresses() {
        refreshAddresses();
    }

    private SandboxException guardFailed(RuntimeException e) {
        return new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "The firewall rules of the sandbox's network could"
                + " not be installed, so the container is not used: " + e.getMessage()
                + ". The guard container " + NetnsGuard.NAME + " runs the image " + settings.guardImage()
                + " (it needs iptables and nsenter: run ./sandbox-jobs setup).", e);
    }

    /** Forgets a removed container's address. */
    public void forgetContainer(String containerId) {
        Map<InetAddress, String> copy = new HashMap<>(containerByAddress);
        if (copy.values().removeIf(containerId::equals)) {
            containerByAddress = Map.copyOf(copy);
        }
    }

    /** The policy in force for a sandbox from now on (secrets included); null forgets it. */
    public void setPolicy(String sandboxId, EgressPolicy policy) {
        if (policy == null) {
            live.remove(sandboxId);
        } else {
            live.put(sandboxId, policy);
        }
    }

    /** The policy in force for a sandbox: the live one, else the stored one, else null. */
    public EgressPolicy policy(String sandboxId) {
        EgressPolicy p = live.get(sandboxId);
        if (p != null) {
            return p;
        }
        Owners o = owners;
        return o == null ? null : o.storedPolicy(sandboxId);
    }

    public List<EgressEvent> log(String sandboxId) {
        return log.read(sandboxId);
    }

    /** Forgets a destroyed sandbox: its live policy and its log. */
    public void forgetSandbox(String sandboxId) {
        live.remove(sandboxId);
        log.delete(sandboxId);
    }

    /** The engine's egress CA certificate (PEM), created on first use. */
    public synchronized String caPem() {
        return ca().certificatePem();
    }

    @Override
    public synchronized void close() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    // ----- internals

    private synchronized CertificateAuthority ca() {
        if (ca == null) {
            ca = CertificateAuthority.loadOrCreate(settings.stateDirectory().resolve("ca"));
        }
        return ca;
    }

    private synchronized String ensureStarted() {
        String gw;
        try {
            gw = new EgressNetwork(docker).ensure();
        } catch (RuntimeException e) {
            throw new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "Cannot set up the network of proxied sandboxes: "
                    + e.getMessage(), e);
        }
        if (proxy != null && gw.equals(gateway)) {
            return gw;
        }
        if (proxy != null) {
            LOG.warn("The network {} was recreated with gateway {}; moving the egress proxy there", EgressNetwork.NAME, gw);
            proxy.close();
            proxy = null;
        }
        if (guard == null) {
            guard = new NetnsGuard(docker, settings.guardImage(), engineId);
            guard.reapLeftovers();
        }
        Path portFile = settings.stateDirectory().resolve("proxy-port-" + engineId);
        int previous = readPort(portFile);
        EgressProxy p = new EgressProxy(new Clients(), (id, e) -> log.record(id, e), this::ca, settings.upstream(),
                settings.extraTrust(), clock);
        int port;
        try {
            port = bind(p, gw, previous);
        } catch (Exception e) {
            p.close();
            throw new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "The egress proxy cannot listen on " + gw
                    + ", the gateway of the Docker network " + EgressNetwork.NAME + " (" + e.getMessage() + "). The"
                    + " proxy must run on the Docker host itself: with a Docker engine on another machine, give"
                    + " sandboxes EgressPolicy.none(), or see docs/network.md.", e);
        }
        proxy = p;
        gateway = gw;
        writePort(portFile, port);
        if (previous > 0 && previous != port) {
            LOG.warn("The egress proxy moved from port {} to {}; installing the rules of running sandboxes again", previous, port);
            regardRunning(gw, port);
        }
        refreshAddresses();
        return gw;
    }

    private static int bind(EgressProxy p, String gw, int previous) throws Exception {
        InetAddress address = InetAddress.getByName(gw);
        if (previous > 0) {
            try {
                return p.start(new InetSocketAddress(address, previous));
            } catch (IOException e) {
                if (!addressInUse(e)) {
                    throw e;
                }
                p.close();
                LOG.warn("Port {} on {} is taken; the egress proxy takes another", previous, gw);
            }
        }
        return p.start(new InetSocketAddress(address, 0));
    }

    private static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException && String.valueOf(t.getMessage()).toLowerCase().contains("in use")) {
                return true;
            }
        }
        return false;
    }

    private void regardRunning(String gw, int port) {
        for (var c : docker.listContainersCmd().withLabelFilter(Map.of(Labels.ENGINE, engineId,
                PROXIED_LABEL, "proxy")).exec()) {
            try {
                guard.apply(c.getId(), gw, port);
            } catch (RuntimeException e) {
                LOG.warn("Could not install the rules of container {} again: {}", c.getId(), e.getMessage());
            }
        }
    }

    /** Learns the address of every container on the network (one inspect of the network). */
    private void refreshAddresses() {
        Network n;
        try {
            n = docker.inspectNetworkCmd().withNetworkId(EgressNetwork.NAME).exec();
        } catch (NotFoundException e) {
            return;
        }
        lastRefresh = System.currentTimeMillis();
        Map<InetAddress, String> fresh = new HashMap<>();
        for (Map.Entry<String, Network.ContainerNetworkConfig> e
                : (n.getContainers() == null ? Map.<String, Network.ContainerNetworkConfig>of() : n.getContainers()).entrySet()) {
            String ip = e.getValue().getIpv4Address();
            if (ip == null || ip.isBlank()) {
                continue;
            }
            try {
                fresh.put(InetAddress.getByName(ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip), e.getKey());
            } catch (UnknownHostException ignored) {
                // not an address
            }
        }
        containerByAddress = Map.copyOf(fresh);
    }

    private static int readPort(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static void writePort(Path file, int port) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Integer.toString(port));
        } catch (IOException e) {
            LOG.debug("Cannot remember the egress proxy's port in {}", file, e);
        }
    }

    /** The proxy's view of sandboxes. */
    private final class Clients implements EgressProxy.Clients {
        @Override
        public EgressProxy.Client identify(InetAddress address) {
            String container = containerByAddress.get(address);
            if (container == null && System.currentTimeMillis() - lastRefresh > 1000) {
                refreshAddresses();
                container = containerByAddress.get(address);
            }
            Owners o = owners;
            String sandbox = container == null || o == null ? null : o.sandboxOf(container);
            return sandbox == null ? null : byId(sandbox);
        }

        @Override
        public EgressProxy.Client byId(String sandboxId) {
            EgressPolicy p = policy(sandboxId);
            return p == null ? null : new EgressProxy.Client(sandboxId, p);
        }
    }
}
