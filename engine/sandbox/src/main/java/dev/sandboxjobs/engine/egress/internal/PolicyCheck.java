package dev.sandboxjobs.engine.egress.internal;

import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.EgressRule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a sandbox may connect to {@code host:port} under its policy, and to which
 * addresses. A name that no rule allows is denied before anything is resolved, so that the
 * sandbox cannot make the engine look up names of its choosing; an allowed name is resolved
 * here, and only its addresses that pass the checks are ever connected to (no second lookup a
 * DNS answer could change).
 */
final class PolicyCheck {
    /** Resolves a name (the system resolver, or a fake in tests). */
    interface Resolver {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    /** The decision, with the reason that names the policy, and the addresses to connect to. */
    record Verdict(boolean allowed, String reason, List<InetAddress> addresses) {
        static Verdict deny(String reason) {
            return new Verdict(false, reason, List.of());
        }
    }

    private final Addresses addresses;
    private final Resolver resolver;

    PolicyCheck(Addresses addresses, Resolver resolver) {
        this.addresses = addresses;
        this.resolver = resolver;
    }

    /**
     * @param resolveNames false when an upstream proxy resolves names: then a name is checked by
     *                     rules only, and the upstream connects
     */
    Verdict check(EgressPolicy policy, String rawHost, int port, boolean resolveNames) {
        String host = normalize(rawHost);
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        if (policy.mode() == EgressPolicy.Mode.NONE) {
            return Verdict.deny(target + " denied: the sandbox's egress policy is no network");
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            return Verdict.deny("'" + rawHost + ":" + port + "' is not a host and port");
        }
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            InetAddress a = literal.get();
            for (EgressRule r : policy.rules()) {
                if (r.matchesAddress(a, port)) {
                    return new Verdict(true, "allowed by " + r, List.of(a));
                }
            }
            String restricted = addresses.restricted(a);
            if (restricted != null) {
                return Verdict.deny(target + " denied: " + a.getHostAddress() + " is " + restricted
                        + ", which only a rule naming it allows (" + policy.describe() + ")");
            }
            if (policy.mode() == EgressPolicy.Mode.OPEN) {
                return new Verdict(true, "allowed: a public address under open internet", List.of(a));
            }
            for (EgressRule r : policy.rules()) {
                if ("*".equals(r.host()) && r.matchesName(host, port)) {
                    return new Verdict(true, "allowed by " + r, List.of(a));
                }
            }
            return Verdict.deny(target + " denied: not in the sandbox's egress policy, " + policy.describe());
        }
        EgressRule byName = null;
        EgressRule exact = null;
        for (EgressRule r : policy.rules()) {
            if (r.matchesName(host, port)) {
                byName = byName == null ? r : byName;
                if (r.exactName()) {
                    exact = r;
                }
            }
        }
        if (policy.mode() == EgressPolicy.Mode.ALLOWLIST && byName == null) {
            return Verdict.deny(target + " denied: not in the sandbox's egress policy, " + policy.describe());
        }
        String allowedBy = exact != null ? "allowed by " + exact : byName != null ? "allowed by " + byName
                : "allowed: open internet";
        if (!resolveNames) {
            return new Verdict(true, allowedBy + " (resolved by the upstream proxy)", List.of());
        }
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Verdict.deny(target + " failed: the name does not resolve");
        }
        List<InetAddress> usable = new ArrayList<>();
        String firstRestriction = null;
        for (InetAddress a : all) {
            String restricted = addresses.restricted(a);
            if (restricted == null || exact != null) {
                usable.add(a);
            } else if (firstRestriction == null) {
                firstRestriction = a.getHostAddress() + " is " + restricted;
            }
        }
        if (usable.isEmpty()) {
            return Verdict.deny(target + " denied: " + host + " resolves to " + firstRestriction
                    + ", which only a rule naming " + host + " exactly allows (" + policy.describe() + ")");
        }
        return new Verdict(true, allowedBy, List.copyOf(usable));
    }

    static String normalize(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** The address when {@code host} is an IPv4 or IPv6 literal. */
    static Optional<InetAddress> literal(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.contains(":") && host.matches("[0-9a-f:.%]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host)); // a literal: no lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
