package dev.sandboxjobs.engine.egress;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where a sandbox may connect to. Three modes:
 *
 * <ul>
 * <li>{@link #none()}: no network at all, only loopback (Docker's {@code none} network).</li>
 * <li>{@link #allow(String...)}: only the hosts, ranges and ports listed (see {@link EgressRule}),
 *     through the engine's egress proxy; {@code allow()} with no rule denies everything and still
 *     records what the sandbox tried.</li>
 * <li>{@link #open()}: any public address, through the engine's egress proxy.</li>
 * </ul>
 *
 * <p>In every mode the Docker host itself, private ranges (RFC 1918, carrier-grade NAT, loopback,
 * link-local, the cloud metadata address 169.254.169.254) and other sandboxes are out of reach,
 * unless a rule names them exactly: an exact host name that resolves there
 * ({@code allow("db.internal:5432")}) or a range that holds the address the sandbox asked for
 * ({@code allow("10.0.0.5:5432")}). Wildcards and open mode never reach them.
 *
 * <p>Enforcement does not depend on the sandbox's cooperation: the only address a proxied
 * sandbox can reach is the proxy (other connections are refused at once, by firewall rules in
 * the sandbox's own network namespace that it has no capability to change), and the proxy
 * resolves names and checks every address itself. Programs find the proxy through
 * {@code HTTP_PROXY}/{@code HTTPS_PROXY}; one that ignores them simply gets no connection.
 *
 * <pre>{@code
 * Sandbox sb = engine.getSandbox("build", SandboxOptions.builder()
 *         .egress(EgressPolicy.allow("registry.npmjs.org", "*.github.com:443"))
 *         .build());
 * sb.exec("npm install left-pad");            // allowed
 * sb.exec("curl -sS https://example.com/");   // 403 from the proxy, naming the host and the policy
 * sb.egressLog();                             // what the sandbox tried, allowed and denied
 * }</pre>
 *
 * <p>Policies are values: equal rules make equal policies (injected secrets compare by identity).
 */
public final class EgressPolicy {
    /** The three kinds of policy. */
    public enum Mode {
        /** No network at all, only loopback. */
        NONE,
        /** Only what the rules list, through the egress proxy. */
        ALLOWLIST,
        /** Any public address, through the egress proxy. */
        OPEN
    }

    private static final EgressPolicy NONE = new EgressPolicy(Mode.NONE, List.of(), List.of(), false);
    private static final EgressPolicy OPEN = new EgressPolicy(Mode.OPEN, List.of(), List.of(), false);

    private final Mode mode;
    private final List<EgressRule> rules;
    private final List<HeaderInjection> injections;
    private final boolean trustProxyCa;

    private EgressPolicy(Mode mode, List<EgressRule> rules, List<HeaderInjection> injections, boolean trustProxyCa) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.rules = List.copyOf(rules);
        this.injections = List.copyOf(injections);
        this.trustProxyCa = trustProxyCa;
        if (mode == Mode.NONE && (!this.rules.isEmpty() || !this.injections.isEmpty())) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A policy with no network has no rules or injected"
                    + " headers; use EgressPolicy.allow(...) to allow some hosts.");
        }
    }

    /** No network at all, only loopback. */
    public static EgressPolicy none() {
        return NONE;
    }

    /** Any public address, through the egress proxy; the host and private ranges stay out of reach. */
    public static EgressPolicy open() {
        return OPEN;
    }

    /** Only these hosts, patterns and ranges (see {@link EgressRule}); none denies everything. */
    public static EgressPolicy allow(String... rules) {
        return builder().allow(rules).build();
    }

    /** A builder of an allowlist policy ({@link Builder#open()} turns it into an open one). */
    public static Builder builder() {
        return new Builder(Mode.ALLOWLIST);
    }

    public Mode mode() {
        return mode;
    }

    public List<EgressRule> rules() {
        return rules;
    }

    public List<HeaderInjection> injections() {
        return injections;
    }

    /**
     * Whether the engine adds its egress certificate authority to the sandbox's trust stores, so
     * that the proxy can read HTTPS requests to hosts with injected headers. True by default when
     * the policy injects headers; other HTTPS traffic is never decrypted.
     */
    public boolean trustProxyCa() {
        return trustProxyCa;
    }

    /** Whether connections go through the egress proxy (every mode but {@link Mode#NONE}). */
    public boolean proxied() {
        return mode != Mode.NONE;
    }

    public Builder toBuilder() {
        Builder b = new Builder(mode);
        b.rules.addAll(rules);
        b.injections.addAll(injections);
        b.trustProxyCa = trustProxyCa;
        b.trustSet = true;
        return b;
    }

    /** The policy in words, as denial messages quote it: {@code allowlist [registry.npmjs.org]}. */
    public String describe() {
        String list = rules.stream().map(EgressRule::toString).collect(Collectors.joining(", "));
        return switch (mode) {
            case NONE -> "no network";
            case ALLOWLIST -> rules.isEmpty() ? "allowlist [] (nothing allowed)" : "allowlist [" + list + "]";
            case OPEN -> rules.isEmpty() ? "open internet (public addresses only)"
                    : "open internet (public addresses, and [" + list + "])";
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EgressPolicy p && mode == p.mode && rules.equals(p.rules) && injections.equals(p.injections)
                && trustProxyCa == p.trustProxyCa;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, rules, injections, trustProxyCa);
    }

    @Override
    public String toString() {
        return "EgressPolicy[" + describe() + (injections.isEmpty() ? "" : ", injects " + injections) + "]";
    }

    /** Builds an {@link EgressPolicy}. */
    public static final class Builder {
        private Mode mode;
        private final List<EgressRule> rules = new ArrayList<>();
        private final List<HeaderInjection> injections = new ArrayList<>();
        private boolean trustProxyCa;
        private boolean trustSet;

        private Builder(Mode mode) {
            this.mode = mode;
        }

        /** Adds rules written as text: {@code registry.npmjs.org}, {@code *.example.com:443}, {@code 10.0.0.0/8}. */
        public Builder allow(String... values) {
            Arrays.stream(values).map(EgressRule::parse).forEach(rules::add);
            return this;
        }

        public Builder allow(EgressRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public Builder allow(List<String> values) {
            values.stream().map(EgressRule::parse).forEach(rules::add);
            return this;
        }

        /** Any public address; rules then only add private destinations named exactly. */
        public Builder open() {
            mode = Mode.OPEN;
            return this;
        }

        /** Adds a header the proxy injects for a host (its host is allowed too, in an allowlist). */
        public Builder inject(HeaderInjection injection) {
            injections.add(Objects.requireNonNull(injection, "injection"));
            return this;
        }

        /** Whether the sandbox trusts the engine's egress CA (default: when headers are injected). */
        public Builder trustProxyCa(boolean value) {
            trustProxyCa = value;
            trustSet = true;
            return this;
        }

        public EgressPolicy build() {
            List<EgressRule> all = new ArrayList<>(rules);
            if (mode == Mode.ALLOWLIST) {
                for (HeaderInjection i : injections) {
                    EgressRule implied = EgressRule.parse(i.host());
                    if (!all.contains(implied)) {
                        all.add(implied);
                    }
                }
            }
            return new EgressPolicy(mode, all.stream().distinct().toList(), injections,
                    trustSet ? trustProxyCa : !injections.isEmpty());
        }
    }
}
