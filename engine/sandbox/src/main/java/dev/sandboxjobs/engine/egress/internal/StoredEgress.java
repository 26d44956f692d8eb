package dev.sandboxjobs.engine.egress.internal;

import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.EgressRule;
import dev.sandboxjobs.engine.egress.HeaderInjection;
import java.util.List;

/**
 * An egress policy as stored with a sandbox: mode, rules and which headers are injected for which
 * host (never the values, which a later engine gets again from the sandbox's options).
 *
 * @param mode        the {@link EgressPolicy.Mode} name
 * @param rules       the rules as text
 * @param injections  {@code header for host}, for information
 * @param trustProxyCa whether the sandbox trusts the egress CA
 */
public record StoredEgress(String mode, List<String> rules, List<String> injections, boolean trustProxyCa) {
    public StoredEgress {
        rules = rules == null ? List.of() : List.copyOf(rules);
        injections = injections == null ? List.of() : List.copyOf(injections);
    }

    public static StoredEgress of(EgressPolicy p) {
        return new StoredEgress(p.mode().name(), p.rules().stream().map(EgressRule::toString).toList(),
                p.injections().stream().map(HeaderInjection::toString).toList(), p.trustProxyCa());
    }

    /** The policy without its injections (their secrets are not stored). */
    public EgressPolicy toPolicy() {
        EgressPolicy.Mode m = EgressPolicy.Mode.valueOf(mode);
        if (m == EgressPolicy.Mode.NONE) {
            return EgressPolicy.none();
        }
        EgressPolicy.Builder b = EgressPolicy.builder().allow(rules).trustProxyCa(trustProxyCa);
        if (m == EgressPolicy.Mode.OPEN) {
            b.open();
        }
        return b.build();
    }

    public boolean proxied() {
        return !EgressPolicy.Mode.NONE.name().equals(mode);
    }
}
