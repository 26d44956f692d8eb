package dev.sandboxjobs.engine.egress.internal;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the engine runs egress: where it keeps its CA, proxy port and logs, the proxy its host must
 * use (null for none), certificates the proxy trusts beyond the JVM's (a private registry's CA),
 * and the image of the guard container that installs the firewall rules (the runtime image, which
 * has iptables and nsenter).
 */
public record EgressSettings(Path stateDirectory, UpstreamProxy upstream, List<X509Certificate> extraTrust,
                             String guardImage) {
    public EgressSettings {
        extraTrust = extraTrust == null ? List.of() : List.copyOf(extraTrust);
    }
}
