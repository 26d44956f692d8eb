package dev.sandboxjobs.engine.egress.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Installs the firewall rules of one proxied sandbox in the sandbox's own network namespace, from
 * the <em>guard</em>: one long-lived container per Docker engine ({@value #NAME}, shared by every
 * engine of this library on it, like the network) that sees the host's processes
 * ({@code --pid=host}), has no network of its own, and holds {@code NET_ADMIN} with what entering
 * another namespace takes ({@code SYS_ADMIN}, {@code SYS_PTRACE}). For each sandbox one Docker exec
 * in it enters the sandbox's network namespace ({@code nsenter --net=/proc/<pid>/ns/net}), checks
 * that the namespace holds the sandbox's address (so that a process id reused meanwhile can never
 * point the rules at another namespace), and installs the rules with {@code iptables-restore}. The
 * sandbox itself never has {@code NET_ADMIN}, so even root inside cannot change or remove them.
 *
 * <p>The rules: loopback (but not Docker's DNS resolver at 127.0.0.11, which could forward names
 * to outside resolvers), replies, and the egress proxy are allowed; every other TCP connection is
 * refused with a reset and every other packet with "port unreachable", so that a denied connection
 * fails at once. The sandbox reaches the proxy at {@code gateway:}{@value EgressService#SANDBOX_PROXY_PORT},
 * which the rules translate to the proxy's real port. Nothing is changed on the host; the rules
 * vanish with the namespace, and are installed again each time the container starts.
 *
 * <p>The script is fixed text; the address, gateway and port travel as environment variables,
 * checked here. (Until 2026-12 a short-lived helper container joined each sandbox's namespace
 * instead: a container create, start, wait and removal per sandbox, 0.3-0.5 s of its cold start.)
 */
final class NetnsGuard {
    /** The guard container's name: one per Docker engine. */
    static final String NAME = "sandbox-jobs-egress-guard";
    /** The label of the guard (value {@value #SHARED}) and of the per-sandbox helpers of earlier versions (value: an engine id). */
    static final String GUARD_LABEL = "dev.sandboxjobs.egress-guard";
    static final String SHARED = "shared";
    private static final String SCRIPT = String.join("\n",
            "set -eu",
            "awk '/32 host LOCAL/ { print a } { a = $2 }' /proc/self/net/fib_trie | grep -qxF \"$SJ_ADDR\" \\",
            "  || { echo \"the network namespace of process $SJ_PID does not hold $SJ_ADDR\" >&2; exit 3; }",
            "printf '%s\\n' '*filter' ':INPUT ACCEPT [0:0]' ':FORWARD DROP [0:0]' ':OUTPUT DROP [0:0]' \\",
            "  '-A OUTPUT -d 127.0.0.11/32 -j REJECT --reject-with icmp-port-unreachable' \\",
            "  '-A OUTPUT -o lo -j ACCEPT' \\",
            "  '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED --ctdir REPLY -j ACCEPT' \\",
            "  \"-A OUTPUT -d $SJ_GATEWAY/32 -p tcp -m tcp --dport $SJ_PORT -j ACCEPT\" \\",
            "  '-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset' \\",
            "  '-A OUTPUT -j REJECT --reject-with icmp-port-unreachable' 'COMMIT' | iptables-restore -w",
            "iptables -w -t nat -N SJ_EGRESS 2>/dev/null || iptables -w -t nat -F SJ_EGRESS",
            "iptables -w -t nat -A SJ_EGRESS -d \"$SJ_GATEWAY/32\" -p tcp --dport " + EgressService.SANDBOX_PROXY_PORT
                    + " -j DNAT --to-destination \"$SJ_GATEWAY:$SJ_PORT\"",
            "iptables -w -t nat -C OUTPUT -j SJ_EGRESS 2>/dev/null || iptables -w -t nat -I OUTPUT 1 -j SJ_EGRESS",
            "echo guarded");

    private final DockerClient docker;
    private final String image;
    private final String engineId;
    private String guardId;

    NetnsGuard(DockerClient docker, String image, String engineId) {
        this.docker = docker;
        this.image = image;
        this.engineId = engineId;
    }

    /** Removes the per-sandbox helper containers an earlier version of this engine left behind. */
    void reapLeftovers() {
        try {
            for (var c : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(GUARD_LABEL, engineId)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        } catch (RuntimeException e) {
            // best effort
        }
    }

    /**
     * Makes sure the guard runs (creating or starting it when it does not), so that a sandbox's
     * start does not wait for it. Cheap once it runs: no Docker call.
     */
    void prepare() {
        guard();
    }

    /** Installs the rules in the namespace of the running container {@code containerId}. */
    void apply(String containerId, String gateway, int proxyPort) {
        if (PolicyCheck.literal(gateway).isEmpty() || proxyPort < 1 || proxyPort > 65535) {
            throw new IllegalArgumentException("bad gateway or port: " + gateway + ":" + proxyPort);
        }
        InspectContainerResponse c = docker.inspectContainerCmd(containerId).exec();
        Long pid = c.getState() == null ? null : c.getState().getPidLong();
        if (pid == null || pid <= 0 || !Boolean.TRUE.equals(c.getState().getRunning())) {
            throw new IllegalStateException("the container " + containerId + " is not running");
        }
        ContainerNetwork net = c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null
                ? null : c.getNetworkSettings().getNetworks().get(EgressNetwork.NAME);
        String address = net == null ? null : net.getIpAddress();
        if (address == null || PolicyCheck.literal(address).isEmpty()) {
            throw new IllegalStateException("the container " + containerId + " has no address on " + EgressNetwork.NAME);
        }
        install(pid, address, gateway, proxyPort);
    }

    /**
     * Installs the rules in the network namespace of process {@code pid} (as the Docker host sees
     * it), which must hold {@code address}: otherwise nothing is installed and this throws.
     */
    void install(long pid, String address, String gateway, int proxyPort) {
        List<String> env = List.of("SJ_PID=" + pid, "SJ_ADDR=" + address, "SJ_GATEWAY=" + gateway, "SJ_PORT=" + proxyPort);
        List<String> argv = List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "--", "sh", "-c", SCRIPT);
        Result r;
        try {
            r = exec(guard(), argv, env);
        } catch (NotFoundException | ConflictException e) {
            forget(); // removed or stopped from outside since: once more with a new one
            r = exec(guard(), argv, env);
        }
        if (r.exitCode() != 0) {
            throw new IllegalStateException("the firewall rules could not be installed (exit " + r.exitCode() + "): "
                    + r.output().strip());
        }
    }

    private synchronized void forget() {
        guardId = null;
    }

    /** The running guard's id: the known one, else the existing container (started if need be), else a new one. */
    private synchronized String guard() {
        if (guardId != null) {
            return guardId;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                InspectContainerResponse c = docker.inspectContainerCmd(NAME).exec();
                if (!Boolean.TRUE.equals(c.getState().getRunning())) {
                    docker.startContainerCmd(c.getId()).exec();
                }
                guardId = c.getId();
                return guardId;
            } catch (NotFoundException e) {
                try {
                    String id = create();
                    docker.startContainerCmd(id).exec();
                    guardId = id;
                    return id;
                } catch (ConflictException | NotFoundException raced) {
                    if (attempt >= 2) {
                        throw raced; // another engine created or removed it each time
                    }
                }
            } catch (ConflictException e) {
                if (attempt >= 2) {
                    throw e; // being removed
                }
            }
        }
    }

    private String create() {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withPidMode("host")
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW, Capability.SYS_ADMIN, Capability.SYS_PTRACE)
                // label=disable: under SELinux, container_t could not open another container's namespace
                .withSecurityOpts(List.of("no-new-privileges", "label=disable"))
                .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
                .withMemory(64L << 20)
                .withPidsLimit(64L);
        try {
            return docker.createContainerCmd(image)
                    .withName(NAME)
                    .withLabels(Map.of(GUARD_LABEL, SHARED))
                    .withUser("0:0")
                    .withEntrypoint("sleep", "infinity")
                    .withCmd(List.of())
                    .withHostConfig(host)
                    .exec().getId();
        } catch (NotFoundException e) {
            if (String.valueOf(e.getMessage()).contains("image")) {
                throw new IllegalStateException("the guard image " + image + " is missing; run ./sandbox-jobs setup", e);
            }
            throw e;
        }
    }

    private record Result(long exitCode, String output) {}

    private Result exec(String container, List<String> argv, List<String> env) {
        String exec = docker.execCreateCmd(container).withUser("0:0").withEnv(env).withCmd(argv.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder out = new StringBuilder();
        try {
            docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                    synchronized (out) {
                        if (out.length() < 4000) {
                            out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }).awaitCompletion(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the firewall rules", e);
        }
        Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
        synchronized (out) {
            return new Result(code == null ? -1 : code, out.toString());
        }
    }
}
