package dev.sandboxjobs.jobs.report;

import java.util.List;
import java.util.Objects;

/**
 * What one step of the pipeline tried to reach, from its sandbox's egress log: the policy in
 * force during the step and the distinct {@code host:port} targets it was allowed to contact and
 * denied. Never paths, headers or bodies (the egress log holds none).
 *
 * @param policy    the policy in words ({@code allowlist [registry.npmjs.org]}, {@code no network}, …)
 * @param contacted targets the proxy let through, in the order first seen
 * @param denied    targets the proxy refused, in the order first seen, each with the proxy's reason
 *                  after {@code " — "}
 */
public record NetworkActivity(String policy, List<String> contacted, List<String> denied) {
    public NetworkActivity {
        Objects.requireNonNull(policy, "policy");
        contacted = contacted == null ? List.of() : List.copyOf(contacted);
        denied = denied == null ? List.of() : List.copyOf(denied);
    }

    /** The targets alone, without the reasons. */
    public List<String> deniedTargets() {
        return denied.stream().map(d -> {
            int dash = d.indexOf(" — ");
            return dash < 0 ? d : d.substring(0, dash);
        }).toList();
    }
}
