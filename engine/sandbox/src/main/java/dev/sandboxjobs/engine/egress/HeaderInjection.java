package dev.sandboxjobs.engine.egress;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.Secret;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A header the engine's egress proxy adds to every request a sandbox sends to one host, with a
 * value the sandbox never sees: a token for a private registry or an API stays on the engine's
 * side. The header replaces one of the same name sent by the sandbox. Over HTTPS the proxy must
 * read the request, so it terminates TLS for that host with a certificate from the engine's own
 * certificate authority, which the sandbox trusts when its policy says so
 * ({@link EgressPolicy.Builder#trustProxyCa}).
 *
 * <pre>{@code
 * EgressPolicy.builder()
 *         .allow("api.example.com")
 *         .inject(HeaderInjection.bearer("api.example.com", Secret.fromEnv("API_TOKEN")))
 *         .build();
 * }</pre>
 *
 * <p>A server that echoes request headers back shows the value to the sandbox: bind a secret
 * only to a host that does not.
 *
 * @param host   the exact host name, or {@code *.example.com} for its subdomains
 * @param header the header's name
 * @param value  the header's value, resolved for each request
 */
public record HeaderInjection(String host, String header, Secret value) {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> FORBIDDEN = Set.of("host", "content-length", "transfer-encoding", "connection",
            "upgrade", "te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection", "expect");

    public HeaderInjection {
        Objects.requireNonNull(value, "value");
        if (host == null || host.isBlank() || host.contains(":") || host.contains("/")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A header is bound to a host name (api.example.com or"
                    + " *.example.com), without a port or a path, not '" + host + "'.");
        }
        host = host.strip().toLowerCase(Locale.ROOT);
        EgressRule.parse(host); // validates the name
        if (header == null || !TOKEN.matcher(header).matches() || FORBIDDEN.contains(header.toLowerCase(Locale.ROOT))) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + header + "' cannot be injected: use a header"
                    + " name such as Authorization or X-Api-Key (not Host, Content-Length or a hop-by-hop header).");
        }
    }

    /** {@code Authorization: <value>} for {@code host} (the value holds the scheme: {@code Basic …}, {@code Bearer …}). */
    public static HeaderInjection authorization(String host, Secret value) {
        return new HeaderInjection(host, "Authorization", value);
    }

    /** {@code Authorization: Bearer <token>} for {@code host}. */
    public static HeaderInjection bearer(String host, Secret token) {
        Objects.requireNonNull(token, "token");
        return new HeaderInjection(host, "Authorization", Secret.from(() -> "Bearer " + token.reveal()));
    }

    /** {@code <header>: <value>} for {@code host}. */
    public static HeaderInjection header(String host, String header, Secret value) {
        return new HeaderInjection(host, header, value);
    }

    /** Whether this injection applies to requests for {@code name} (lower case). */
    public boolean appliesTo(String name) {
        return host.startsWith("*.") ? name.endsWith(host.substring(1)) : host.equals(name);
    }

    /** The host and header's name; never the value. */
    @Override
    public String toString() {
        return header + " for " + host;
    }
}
