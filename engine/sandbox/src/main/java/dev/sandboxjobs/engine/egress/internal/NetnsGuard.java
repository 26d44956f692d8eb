package dev.sandboxjobs.engine.egress.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Installs the firewall rules of one proxied sandbox in the sandbox's own network namespace, from
 * a short-lived helper container that joins that namespace with {@code NET_ADMIN} (the sandbox
 * itself never has it, so even root inside cannot change or remove them). The rules: loopback
 * (but not Docker's DNS resolver at 127.0.0.11, which could forward names to outside resolvers),
 * replies, and the egress proxy are allowed; every other TCP connection is refused with a reset
 * and every other packet with "port unreachable", so that a denied connection fails at once. The
 * sandbox reaches the proxy at {@code gateway:}{@value EgressService#SANDBOX_PROXY_PORT}, which
 * the rules translate to the proxy's real port. Nothing is changed on the host; the rules vanish
 * with the namespace, and are installed again each time the container starts.
 *
 * <p>The script is fixed text; the gateway and port travel as environment variables, checked here.
 */
final class NetnsGuard {
    static final String GUARD_LABEL = "dev.sandboxjobs.egress-guard";
    private static final String SCRIPT = String.join("\n",
            "set -eu",
            "printf '%s\\n' '*filter' ':INPUT ACCEPT [0:0]' ':FORWARD DROP [0:0]' ':OUTPUT DROP [0:0]' \\",
            "  '-A OUTPUT -d 127.0.0.11/32 -j REJECT --reject-with icmp-port-unreachable' \\",
            "  '-A OUTPUT -o lo -j ACCEPT' \\",
            "  '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED --ctdir REPLY -j ACCEPT' \\",
            "  \"-A OUTPUT -d $SJ_GATEWAY/32 -p tcp -m tcp --dport $SJ_PORT -j ACCEPT\" \\",
            "  '-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset' \\",
            "  '-A OUTPUT -j REJECT --reject-with icmp-port-unreachable' 'COMMIT' | iptables-restore",
            "iptables -t nat -N SJ_EGRESS 2>/dev/null || iptables -t nat -F SJ_EGRESS",
            "iptables -t nat -A SJ_EGRESS -d \"$SJ_GATEWAY/32\" -p tcp --dport " + EgressService.SANDBOX_PROXY_PORT
                    + " -j DNAT --to-destination \"$SJ_GATEWAY:$SJ_PORT\"",
            "iptables -t nat -C OUTPUT -j SJ_EGRESS 2>/dev/null || iptables -t nat -I OUTPUT 1 -j SJ_EGRESS",
            "echo guarded");

    /** Removes finished helpers off the sandbox's start (daemon threads: a pending removal never holds the JVM). */
    private static final ExecutorService REMOVALS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-jobs-guard-removal");
        t.setDaemon(true);
        return t;
    });

    private final DockerClient docker;
    private final String image;
    private final Map<String, String> labels;

    NetnsGuard(DockerClient docker, String image, String engineId) {
        this.docker = docker;
        this.image = image;
        this.labels = Map.of(GUARD_LABEL, engineId);
    }

    /** Removes guard containers a crash left behind (they live for a second normally). */
    void reapLeftovers() {
        try {
            for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
                if (!"running".equals(c.getState()) || c.getCreated() * 1000 < System.currentTimeMillis() - 600_000) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
        } catch (RuntimeException e) {
            // best effort
        }
    }

    /** Installs the rules in the namespace of the running container {@code containerId}. */
    void apply(String containerId, String gateway, int proxyPort) {
        run(create(containerId, gateway, proxyPort));
    }

    /**
     * Creates (does not start) the helper that will install the rules in the namespace of
     * {@code containerId}; the container may not be running yet, so that the helper's creation
     * overlaps the container's start. Returns the helper's id, for {@link #run} or {@link #discard}.
     */
    String create(String containerId, String gateway, int proxyPort) {
        if (PolicyCheck.literal(gateway).isEmpty() || proxyPort < 1 || proxyPort > 65535) {
            throw new IllegalArgumentException("bad gateway or port: " + gateway + ":" + proxyPort);
        }
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("container:" + containerId)
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(64L << 20)
                .withPidsLimit(32L);
        try {
            return docker.createContainerCmd(image)
                    .withLabels(labels)
                    .withUser("0:0")
                    .withEntrypoint("sh", "-c", SCRIPT)
                    .withCmd(List.of())
                    .withEnv("SJ_GATEWAY=" + gateway, "SJ_PORT=" + proxyPort)
                    .withHostConfig(host)
                    .exec().getId();
        } catch (NotFoundException e) {
            throw new IllegalStateException("the guard image " + image + " is missing; run ./sandbox-jobs setup", e);
        }
    }

    /**
     * Runs a created helper (its container must be running now) and waits for its rules; the
     * helper is removed in the background afterwards, whatever the outcome (a leftover is reaped
     * by {@link #reapLeftovers} at the next start).
     */
    void run(String helperId) {
        try {
            docker.startContainerCmd(helperId).exec();
            Integer code = docker.waitContainerCmd(helperId).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(2, TimeUnit.MINUTES);
            if (code == null || code != 0) {
                throw new IllegalStateException("the firewall rules could not be installed (exit " + code + "): "
                        + logs(helperId).strip());
            }
        } finally {
            discard(helperId);
        }
    }

    /** Removes a helper in the background (it has exited, or was never started). */
    void discard(String helperId) {
        try {
            REMOVALS.execute(() -> {
                try {
                    docker.removeContainerCmd(helperId).withForce(true).exec();
                } catch (RuntimeException e) {
                    // removed already, or removal in progress
                }
            });
        } catch (RejectedExecutionException e) {
            // cannot happen with an unbounded pool; reapLeftovers removes it next time
        }
    }

    private String logs(String id) {
        StringBuilder out = new StringBuilder();
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                    if (out.length() < 4000) {
                        out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.append("(no logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }
}
