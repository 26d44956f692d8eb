package dev.sandboxjobs.engine.internal.proxy;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of a preview host name {@code {port}-{label}-{token}.{suffix}}, where {@code label}
 * is the sandbox id made host-safe ({@link #labelOf}). Parsing is unambiguous although labels
 * contain dashes: the port is the digits before the first dash, the token is the fixed-length
 * tail after the last dash, the label is what lies between. The whole first label stays within
 * DNS's 63 characters (5 + 1 + 30 + 1 + 26), so browsers accept it.
 *
 * @param port the sandbox port
 * @param label the sandbox's host label
 * @param token the preview token
 */
record PreviewHost(int port, String label, String token) {
    /** Longest host label of a sandbox id. */
    public static final int MAX_LABEL = 30;

    /**
     * The host-safe form of a sandbox id: lower case, runs of anything but letters, digits and
     * dashes become one dash, no dash at either end, at most {@value #MAX_LABEL} characters.
     * Distinct ids may share a label; the token tells them apart.
     */
    public static String labelOf(String sandboxId) {
        String label = sandboxId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        label = label.replaceAll("^-+", "");
        if (label.length() > MAX_LABEL) {
            label = label.substring(0, MAX_LABEL);
        }
        label = label.replaceAll("-+$", "");
        return label.isEmpty() ? "sandbox" : label;
    }

    /** The host of a sandbox port. */
    public static PreviewHost of(int port, String sandboxId, String token) {
        return new PreviewHost(port, labelOf(sandboxId), token);
    }

    /** Formats the host name (without the proxy's port). */
    public String hostName(String suffix) {
        return port + "-" + label + "-" + token + "." + suffix;
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
        String sandboxLabel = label.substring(firstDash + 1, tokenStart - 1);
        if (port < 1 || port > 65535 || !PreviewTokens.isWellFormed(token) || sandboxLabel.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PreviewHost(port, sandboxLabel, token));
    }
}
