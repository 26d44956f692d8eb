package dev.sandboxjobs.dashboard.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every request: the token check (401 without a valid token, 403 for a change with the read-only
 * token or without the dashboard's own header), security headers, then the API, an asset or
 * the page shell.
 *
 * <p>Opening the printed URL ({@code /?token=…}) sets an HttpOnly, SameSite=Strict cookie and
 * redirects to the same page without the token, so that the token does not stay in the address
 * bar or the history.
 */
final class DashboardHandler extends Handler.Abstract {
    private static final Pattern PAGE = Pattern.compile("/|/runs|/runs/[^/]+|/schedules|/sandboxes");
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Access access;
    private final ApiHandler api;
    private final Assets assets;

    DashboardHandler(Access access, ApiHandler api, Assets assets) {
        this.access = access;
        this.api = api;
        this.assets = assets;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Frame-Options", "DENY");
        String path = request.getHttpURI().getPath();
        boolean isApi = path.equals("/api") || path.startsWith("/api/");
        Optional<Access.Grant> grant = access.grant(request);
        if (grant.isEmpty()) {
            return refuse(isApi, response, callback);
        }
        String method = request.getMethod();
        boolean read = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
        if (!read) {
            if (grant.get().role() != Access.Role.ADMIN) {
                return Replies.error(response, callback, 403, "FORBIDDEN", "The read-only token cannot change anything;"
                        + " use the admin token for " + method + " " + path + ".");
            }
            if (grant.get().source() == Access.Source.COOKIE && request.getHeaders().get(Access.CHANGE_HEADER) == null) {
                return Replies.error(response, callback, 403, "FORBIDDEN", "A change needs the " + Access.CHANGE_HEADER
                        + " header (sent by the dashboard's pages) or an Authorization: Bearer token.");
            }
        }
        if (isApi) {
            return api.handle(grant.get(), ApiHandler.segments(path.substring(4)), request, response, callback);
        }
        if (!read) {
            return Replies.error(response, callback, 405, "METHOD_NOT_ALLOWED", "Pages are read with GET.");
        }
        if (grant.get().source() == Access.Source.QUERY) {
            return enter(request, grant.get(), response, callback);
        }
        if (path.startsWith("/assets/") && assets.send(path.substring("/assets/".length()), response, callback)) {
            return true;
        }
        if (path.equals("/favicon.ico") && assets.send("favicon.svg", response, callback)) {
            return true;
        }
        if (PAGE.matcher(path).matches()) {
            response.getHeaders().put("Content-Security-Policy", PAGE_POLICY);
            return assets.send("index.html", response, callback);
        }
        return Replies.error(response, callback, 404, "NOT_FOUND", "No page at " + path + ".");
    }

    /** The printed URL was opened: keep the token in a cookie and show the page without it. */
    private boolean enter(Request request, Access.Grant grant, Response response, Callback callback) {
        Response.addCookie(response, HttpCookie.build(Access.COOKIE, grant.token()).path("/").httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT).build());
        HttpURI uri = request.getHttpURI();
        StringBuilder query = new StringBuilder();
        if (uri.getQuery() != null) {
            for (String part : uri.getQuery().split("&")) {
                if (!part.startsWith(Access.QUERY + "=") && !part.isEmpty()) {
                    query.append(query.length() == 0 ? "?" : "&").append(part);
                }
            }
        }
        Response.sendRedirect(request, response, callback, 303, uri.getPath() + query, true);
        return true;
    }

    private static boolean refuse(boolean isApi, Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"sandbox-jobs\"");
        if (isApi) {
            return Replies.error(response, callback, 401, "UNAUTHORIZED", "This API needs the dashboard's token: "
                    + "Authorization: Bearer <token>. It is in the URL printed by `sandbox-jobs dashboard`.");
        }
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sandbox Jobs: token needed</title></head>"
                + "<body><h1>Token needed</h1><p>Open the dashboard with the URL it printed when it started "
                + "(it carries the access token), for example <code>http://127.0.0.1:PORT/?token=...</code>.</p></body></html>";
        response.setStatus(401);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, java.nio.ByteBuffer.wrap(page.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
