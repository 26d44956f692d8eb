package dev.sandboxjobs.engine.internal.docker;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import dev.sandboxjobs.engine.egress.internal.ProxyClients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one root exec that readies a started container for its user and its egress proxy. */
final class ContainerPreparation {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerPreparation.class);

    private ContainerPreparation() {}

    /** Printed by the preparation when the user's directories were there already, owned as asked. */
    private static final String UNCHANGED = "sj-prepared-unchanged";

    /** Prepares a container whose commands run as a user other than root (run as root, once per container). */
    private static final String PREPARE_FOR_USER = String.join("\n",
            "sj_dirs='/var/lib/sandbox-jobs /var/lib/sandbox-jobs/proc /var/lib/sandbox-jobs/exec /workspace'",
            "before=$(stat -c %u:%g $sj_dirs 2>/dev/null || true)",
            "mkdir -p /var/lib/sandbox-jobs/proc /var/lib/sandbox-jobs/exec /workspace",
            "chown \"$SJ_OWNER\" $sj_dirs",
            "[ \"$before\" != \"$(stat -c %u:%g $sj_dirs)\" ] || echo " + UNCHANGED,
            "u=$(stat -c %u /var/lib/sandbox-jobs)",
            "for d in \"$@\"; do [ \"$(stat -c %u \"$d\")\" = \"$u\" ] || chown -R \"$SJ_OWNER\" \"$d\"; done");

    /**
     * Prepares a started container in one exec as root. For a non-root user: the engine's state
     * directories and {@code /workspace} belong to it, and so does each writable volume
     * (recursively, once: a cache volume filled by an earlier root sandbox stays writable). For a
     * proxied container ({@code attachment} not null): the build tools' proxy settings in the
     * user's home ({@link ProxyClients}).
     *
     * @return whether the container needed nothing for its non-root user: the state directories and
     *         {@code /workspace} were there, owned by it (then so are they in every container of the
     *         same image, which the caller may start without this exec when it has no proxy and no
     *         writable volume)
     */
    static boolean prepare(Containers containers, String id, Containers.Spec spec, EgressService.Attachment attachment) {
        String user = spec.user();
        boolean asRoot = runsAsRoot(user);
        if (asRoot && attachment == null) {
            return false;
        }
        String owner = asRoot ? "root" : user;
        StringBuilder script = new StringBuilder("set -e\n");
        List<String> env = new ArrayList<>(List.of("SJ_OWNER=" + owner));
        if (!asRoot) {
            script.append(PREPARE_FOR_USER).append('\n');
        }
        if (attachment != null) {
            script.append(ProxyClients.SCRIPT).append("\nsj_proxy_clients \"$SJ_OWNER\" || true\n");
            env.addAll(ProxyClients.scriptEnvironment(attachment.proxyHost(), attachment.proxyPort()));
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script.toString(), "sj-prepare"));
        spec.volumes().stream().filter(v -> !v.readOnly()).forEach(v -> argv.add(v.containerPath()));
        ExecOutput out = containers.exec(id, argv, env, "/", 64 * 1024, Containers.ROOT);
        if (out.exitCode() == 0) {
            return !asRoot && out.stdoutText().contains(UNCHANGED);
        }
        if (asRoot) {
            // only the proxy settings, which are a convenience: an image without sh or getent keeps working
            LOG.debug("No build-tool proxy settings in {}: {}", id, new String(out.stderr(), StandardCharsets.UTF_8).strip());
            return false;
        } else {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot prepare the sandbox for user " + owner + ": "
                    + new String(out.stderr(), StandardCharsets.UTF_8).strip()
                    + ". Does the image have that user? (\"root\" runs as root.)");
        }
    }

    /** Whether commands run as root for this user setting (null: the image's user, root in the engine's images). */
    static boolean runsAsRoot(String user) {
        return user == null || user.equals("root") || user.equals("0") || user.startsWith("0:");
    }
}
