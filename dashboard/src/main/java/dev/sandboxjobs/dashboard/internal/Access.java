package dev.sandboxjobs.dashboard.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The dashboard's two tokens and how a request shows one: {@code Authorization: Bearer …} (scripts,
 * curl), the cookie set when the printed URL is opened (browsers), or {@code ?token=…} (that URL,
 * and links such as an artifact's). Tokens are compared in constant time.
 */
final class Access {
    static final String COOKIE = "sandbox_jobs_dashboard";
    static final String QUERY = "token";
    /** Sent by the dashboard's own scripts with every change; a cookie alone does not authorise a change. */
    static final String CHANGE_HEADER = "X-Sandbox-Jobs";

    /** What a token allows. */
    enum Role {
        /** Everything: reading, cancelling, re-running, pausing, triggering, destroying. */
        ADMIN,
        /** Reading only. */
        READ
    }

    /** Where the token of a request came from. */
    enum Source {
        HEADER,
        COOKIE,
        QUERY
    }

    /** A request's token and what it allows. */
    record Grant(Role role, Source source, String token) {}

    private final byte[] admin;
    private final byte[] read;

    Access(String adminToken, String readToken) {
        Objects.requireNonNull(adminToken, "adminToken");
        Objects.requireNonNull(readToken, "readToken");
        if (adminToken.equals(readToken)) {
            throw new IllegalArgumentException("the admin token and the read-only token must differ");
        }
        this.admin = adminToken.getBytes(StandardCharsets.UTF_8);
        this.read = readToken.getBytes(StandardCharsets.UTF_8);
    }

    /** The grant of the first token the request shows that is valid; empty when none is. */
    Optional<Grant> grant(Request request) {
        String bearer = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return check(bearer.substring(7).trim(), Source.HEADER);
        }
        Fields query = Request.extractQueryParameters(request);
        String fromQuery = query.getValue(QUERY);
        if (fromQuery != null) {
            return check(fromQuery, Source.QUERY);
        }
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (COOKIE.equals(cookie.getName())) {
                Optional<Grant> grant = check(cookie.getValue(), Source.COOKIE);
                if (grant.isPresent()) {
                    return grant;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<Grant> check(String token, Source source) {
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean isAdmin = MessageDigest.isEqual(admin, given);
        boolean isRead = MessageDigest.isEqual(read, given);
        if (isAdmin) {
            return Optional.of(new Grant(Role.ADMIN, source, token));
        }
        return isRead ? Optional.of(new Grant(Role.READ, source, token)) : Optional.empty();
    }
}
