package dev.sandboxjobs.engine.egress;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One connection a sandbox asked the egress proxy for, with the proxy's decision. Events never
 * hold paths, query strings, headers' values or bodies: only where the sandbox went.
 *
 * @param time            when the proxy decided
 * @param host            the host name or address the sandbox asked for
 * @param port            the port
 * @param method          {@code CONNECT} for a tunnel (HTTPS and other TCP), else the HTTP method
 * @param allowed         whether the connection was allowed
 * @param reason          why: the rule that allowed it, or what denied it (naming the policy)
 * @param injectedHeaders the names of the headers the proxy added (never their values)
 */
public record EgressEvent(Instant time, String host, int port, String method, boolean allowed, String reason,
                          List<String> injectedHeaders) {
    public EgressEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(host, "host");
        injectedHeaders = injectedHeaders == null ? List.of() : List.copyOf(injectedHeaders);
    }

    /** {@code host:port}. */
    public String target() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
