package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.internal.EgressService;
import dev.sandboxjobs.engine.egress.internal.StoredEgress;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A sandbox's egress as its handle sees it: the policy in force, changing it, the log, and
 * trusting the engine's egress CA inside the container when the policy says so.
 */
final class SandboxEgress {
    /** Installs the CA (given in SJ_CA) into the system store once; the helper's trust-ca also updates Java's. */
    private static final String TRUST_CA = String.join("\n",
            "set -eu",
            "f=/usr/local/share/ca-certificates/sandbox-jobs/sandbox-jobs-egress-ca.crt",
            "if [ -f \"$f\" ] && printf '%s' \"$SJ_CA\" | cmp -s - \"$f\"; then exit 0; fi",
            "tmp=$(mktemp -d)",
            "printf '%s' \"$SJ_CA\" > \"$tmp/sandbox-jobs-egress-ca.crt\"",
            "if command -v trust-ca >/dev/null 2>&1; then trust-ca \"$tmp/sandbox-jobs-egress-ca.crt\" >/dev/null",
            "elif command -v update-ca-certificates >/dev/null 2>&1; then",
            "  mkdir -p \"$(dirname \"$f\")\"; cp \"$tmp/sandbox-jobs-egress-ca.crt\" \"$f\"; update-ca-certificates >/dev/null",
            "else",
            "  mkdir -p \"$(dirname \"$f\")\"; cp \"$tmp/sandbox-jobs-egress-ca.crt\" \"$f\"",
            "  cat \"$f\" >> /etc/ssl/certs/ca-certificates.crt",
            "fi",
            "rm -rf \"$tmp\"");

    private SandboxEgress() {}

    /** The policy in force: the live one (with secrets), else the one stored with the sandbox. */
    static EgressPolicy policy(SandboxRuntime rt) {
        EgressService egress = rt.services.egress();
        EgressPolicy p = egress == null ? null : egress.policy(rt.id);
        return p != null ? p : rt.settings().storedPolicy();
    }

    /**
     * Makes {@code options}' policy (or the defaults', when the sandbox was created with them) the
     * live one, so that injected secrets, never stored, are known to this engine.
     */
    static void adopt(SandboxRuntime rt, SandboxDefaults defaults, SandboxOptions options) {
        EgressService egress = rt.services.egress();
        if (egress == null) {
            return;
        }
        EgressPolicy stored = rt.settings().storedPolicy();
        EgressPolicy wanted;
        if (options.egress() != null || options.network() != null) {
            wanted = SandboxSettings.egress(defaults, options);
        } else if (StoredEgress.of(defaults.egress()).equals(StoredEgress.of(stored))) {
            wanted = defaults.egress();
        } else {
            return;
        }
        if (wanted.proxied() && !stored.proxied()) {
            return; // created without network: container settings do not change
        }
        set(rt, wanted);
    }

    /** Replaces the policy in force. */
    static void set(SandboxRuntime rt, EgressPolicy policy) {
        EgressService egress = rt.services.egress();
        if (policy.proxied() && !rt.settings().storedPolicy().proxied()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Sandbox " + rt.id + " was created with no network,"
                    + " which cannot change; create it with an egress policy (an empty allowlist denies everything"
                    + " and can be opened later).");
        }
        if (egress == null) {
            throw new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "This engine has no egress proxy.");
        }
        egress.setPolicy(rt.id, policy);
        if (policy.trustProxyCa()) {
            trustCa(rt, egress);
        }
    }

    static List<EgressEvent> log(SandboxRuntime rt) {
        EgressService egress = rt.services.egress();
        return egress == null ? List.of() : egress.log(rt.id);
    }

    private static void trustCa(SandboxRuntime rt, EgressService egress) {
        String pem = egress.caPem();
        ExecOutput out = rt.call(() -> rt.containers.exec(rt.containerId(), List.of("sh", "-c", TRUST_CA),
                List.of("SJ_CA=" + pem), "/", 64 * 1024, Containers.ROOT));
        if (out.exitCode() != 0) {
            throw new SandboxException(ErrorCode.EGRESS_UNAVAILABLE, "Cannot add the engine's egress CA to the sandbox's"
                    + " trust store (exit " + out.exitCode() + "): "
                    + new String(out.stderr(), StandardCharsets.UTF_8).strip());
        }
    }
}
