package dev.sandboxjobs.engine.egress;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of an {@link EgressPolicy}: a host name (exact, or {@code *.example.com} for its
 * subdomains, or {@code *} for any name), or an address range in CIDR notation, with an optional
 * port. Written as text:
 *
 * <pre>
 * registry.npmjs.org          the name, any port
 * *.example.com:443           any subdomain of example.com (not example.com itself), port 443
 * *:443                       any host name, port 443
 * 10.1.2.3                    one address (as typed by the sandbox), any port
 * 10.0.0.0/8:5432             a range, port 5432
 * [2001:db8::/32]:443         an IPv6 range, port 443
 * </pre>
 *
 * <p>A name rule matches the name the sandbox asked for; a range rule matches an address the
 * sandbox asked for literally. A name is never resolved to be compared with a range, so that an
 * allowlist does not make the engine resolve names chosen by the sandbox.
 *
 * @param host   the lower-case name or pattern, or null for a range rule
 * @param cidr   the range, {@code address/prefix}, or null for a name rule
 * @param port   the port, or null for any port
 */
public record EgressRule(String host, String cidr, Integer port) {
    private static final Pattern NAME = Pattern.compile("(\\*|(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*)");

    public EgressRule {
        if ((host == null) == (cidr == null)) {
            throw invalid("a rule has a host or a range, not both or neither");
        }
        if (host != null && !NAME.matcher(host).matches()) {
            throw invalid("'" + host + "' is not a host name or a *.domain pattern");
        }
        if (cidr != null) {
            parseCidr(cidr);
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw invalid("port " + port + " is outside 1-65535");
        }
    }

    /**
     * Parses a rule written as text (see the class comment).
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for text that is not a rule
     */
    public static EgressRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("an empty rule");
        }
        String s = text.strip().toLowerCase(Locale.ROOT);
        String target = s;
        Integer port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid("'" + text + "' opens [ without closing it");
            }
            target = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid("'" + text + "' has text after ]");
                }
                port = port(rest.substring(1), text);
            }
            return new EgressRule(null, target.contains("/") ? target : target + "/128", port);
        }
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            if (s.indexOf(':') != colon) {
                throw invalid("'" + text + "': write an IPv6 address in brackets, [2001:db8::1]:443");
            }
            target = s.substring(0, colon);
            port = port(s.substring(colon + 1), text);
        }
        if (target.endsWith(".")) {
            target = target.substring(0, target.length() - 1);
        }
        if (target.contains("/") || isIpv4Literal(target)) {
            return new EgressRule(null, target.contains("/") ? target : target + "/32", port);
        }
        return new EgressRule(target, null, port);
    }

    /** Whether this rule allows {@code name} (lower case, no trailing dot) on {@code port}. */
    public boolean matchesName(String name, int port) {
        if (host == null || !portMatches(port)) {
            return false;
        }
        if (host.equals("*")) {
            return true;
        }
        if (host.startsWith("*.")) {
            return name.endsWith(host.substring(1));
        }
        return host.equals(name);
    }

    /** Whether this is an exact name (no wildcard), which may reach private addresses. */
    public boolean exactName() {
        return host != null && !host.contains("*");
    }

    /** Whether this range rule contains {@code address} and allows {@code port}. */
    public boolean matchesAddress(InetAddress address, int port) {
        if (cidr == null || !portMatches(port)) {
            return false;
        }
        Object[] parsed = parseCidr(cidr);
        byte[] net = ((InetAddress) parsed[0]).getAddress();
        int prefix = (Integer) parsed[1];
        byte[] a = address.getAddress();
        if (a.length != net.length) {
            return false;
        }
        for (int i = 0; i < prefix; i++) {
            int bit = 7 - (i % 8);
            if (((a[i / 8] >> bit) & 1) != ((net[i / 8] >> bit) & 1)) {
                return false;
            }
        }
        return true;
    }

    private boolean portMatches(int p) {
        return port == null || port == p;
    }

    /** The rule as text, as {@link #parse} reads it. */
    @Override
    public String toString() {
        String target = host != null ? host : cidr.contains(":") ? "[" + cidr + "]" : cidr;
        return port == null ? target : target + ":" + port;
    }

    private static Object[] parseCidr(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw invalid("'" + cidr + "' is not a range: write address/prefix");
        }
        String address = cidr.substring(0, slash);
        if (!isIpv4Literal(address) && !address.contains(":")) {
            throw invalid("'" + cidr + "' does not start with an IP address");
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(address); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw invalid("'" + cidr + "' does not start with an IP address");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw invalid("'" + cidr + "' has no prefix length after /");
        }
        if (prefix < 0 || prefix > a.getAddress().length * 8) {
            throw invalid("'" + cidr + "': the prefix length must be 0-" + a.getAddress().length * 8);
        }
        return new Object[] {a, prefix};
    }

    static boolean isIpv4Literal(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") && Arrays.stream(s.split("\\."))
                .allMatch(p -> Integer.parseInt(p) <= 255);
    }

    private static Integer port(String text, String rule) {
        if (text.equals("*")) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalid("'" + rule + "': '" + text + "' is not a port");
        }
    }

    private static SandboxException invalid(String what) {
        return new SandboxException(ErrorCode.INVALID_ARGUMENT, "Not an egress rule: " + what + ". Write a host"
                + " (registry.npmjs.org), a pattern (*.example.com), or a range (10.0.0.0/8), each with an optional"
                + " :port.");
    }
}
