package dev.sandboxjobs.engine.internal.proxy;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a preview host name {@code {port}-{sandboxId}-{token}.{suffix}}. Parsing is
 * unambiguous although sandbox ids may contain dashes: the port is the digits before the first
 * dash, the token is the fixed-length tail after the last dash, the sandbox id is what lies
 * between. Host names are case-insensitive, so the sandbox id comes back lower-cased.
 *
 * @param port the sandbox port
 * @param sandboxId the sandbox id, lower case
 * @param token the preview token
 */
public record PreviewHost(int port, String sandboxId, String token) {
    /** Formats the host name (without the proxy's port). */
    public String hostName(String suffix) {
        return port + "-" + sandboxId.toLowerCase(Locale.ROOT) + "-" + token + "." + suffix;
    }

    /** The preview URL for this host on a proxy listening on {@code proxyPort}. */
    public String url(String suffix, int proxyPort) {
        return "http://" + hostName(suffix) + ":" + proxyPort + "/";
    }

    /**
     * Parses a Host header value ({@code name[:port]}); empty when it is not a preview host of
     * the given suffix.
     */
    public static Optional<PreviewHost> parse(String hostHeader, String suffix) {
        if (hostHeader == null) {
            return Optional.empty();
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        String tail = "." + suffix.toLowerCase(Locale.ROOT);
        if (!host.endsWith(tail)) {
            return Optional.empty();
        }
        String label = host.substring(0, host.length() - tail.length());
        int firstDash = label.indexOf('-');
        int tokenStart = label.length() - PreviewTokens.LENGTH;
        if (firstDash <= 0 || firstDash > 5 || tokenStart - 1 <= firstDash + 1 || label.charAt(tokenStart - 1) != '-') {
            return Optional.empty();
        }
        String portText = label.substring(0, firstDash);
        for (int i = 0; i < portText.length(); i++) {
            if (!Character.isDigit(portText.charAt(i))) {
                return Optional.empty();
            }
        }
        int port = Integer.parseInt(portText);
        String token = label.substring(tokenStart);
        String sandboxId = label.substring(firstDash + 1, tokenStart - 1);
        if (port < 1 || port > 65535 || !PreviewTokens.isWellFormed(token) || sandboxId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PreviewHost(port, sandboxId, token));
    }
}
