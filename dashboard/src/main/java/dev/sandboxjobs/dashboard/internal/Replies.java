package dev.sandboxjobs.dashboard.internal;

import dev.sandboxjobs.engine.SandboxJobsException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing JSON answers and errors; every handler returns true after one of these. */
final class Replies {
    private Replies() {}

    static boolean json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, Json.write(body), callback);
        return true;
    }

    static boolean ok(Response response, Callback callback, Object body) {
        return json(response, callback, 200, body);
    }

    static boolean error(Response response, Callback callback, int status, String code, String message) {
        return json(response, callback, status, Json.error(code, message));
    }

    /**
     * An engine error (the SDK's {@code SandboxException} or the job engine's {@code JobException})
     * as an HTTP answer: unknown things are 404, bad input 400, a closed engine 503.
     */
    static boolean error(Response response, Callback callback, SandboxJobsException e) {
        return error(response, callback, status(e.code().name()), e.code().name(), e.getMessage());
    }

    /** By the code's name: both products' codes share these names and their meaning. */
    static int status(String code) {
        return switch (code) {
            case "RUN_NOT_FOUND", "SCHEDULE_NOT_FOUND", "SANDBOX_NOT_FOUND", "ARTIFACT_NOT_FOUND" -> 404;
            case "INVALID_ARGUMENT", "INVALID_PARAMETERS", "INVALID_CRON" -> 400;
            case "UNKNOWN_WORKFLOW", "SCHEDULE_EXISTS", "ILLEGAL_STATE_TRANSITION" -> 409;
            case "CLOSED", "DATABASE_LOCKED", "DATABASE_UNAVAILABLE", "DOCKER_UNAVAILABLE" -> 503;
            default -> 500;
        };
    }
}
