package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The uid and gid that files written through the API belong to: the sandbox's user (uid 1000,
 * {@code sandbox}, by default; root when asked). Known from a numeric user setting, else asked once
 * per container ({@code id -u; id -g}).
 */
final class FileOwner {
    private final SandboxRuntime sandbox;
    private volatile String container;
    private volatile int[] ids;

    FileOwner(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    /** {uid, gid} of the sandbox's user in its current container. */
    int[] ids() {
        String current = sandbox.containerId();
        int[] known = ids;
        if (known != null && current != null && current.equals(container)) {
            return known;
        }
        String user = sandbox.containers.userOf(current);
        if (user != null && user.matches("\\d+(:\\d+)?")) {
            String[] p = user.split(":");
            known = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p.length > 1 ? p[1] : p[0])};
        } else {
            known = ask();
        }
        ids = known;
        container = current;
        return known;
    }

    private int[] ask() {
        ExecOutput out = sandbox.runInternal(List.of("sh", "-c", "id -u; id -g"), 4096);
        String[] lines = new String(out.stdout(), StandardCharsets.UTF_8).strip().split("\\s+");
        try {
            return new int[] {Integer.parseInt(lines[0]), Integer.parseInt(lines[1])};
        } catch (RuntimeException e) {
            return new int[] {0, 0};
        }
    }
}
