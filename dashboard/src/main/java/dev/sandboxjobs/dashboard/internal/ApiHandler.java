package dev.sandboxjobs.dashboard.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.dashboard.DashboardMetrics;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.workflow.ArtifactInfo;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Page;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunQuery;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.Schedule;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;

/**
 * The JSON API under {@code /api/}. Reads answer to both tokens; changes (POST) need the admin
 * token, checked before this handler runs ({@link DashboardHandler}). Documented in
 * docs/dashboard.md.
 */
final class ApiHandler {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;
    /** Labels that tie a new run to the run it repeats. */
    static final String RETRY_OF = "retry-of";
    static final String RERUN_OF = "rerun-of";
    /** The ranges of the overview's chart: range and bucket. */
    static final Map<String, Duration[]> RANGES = Map.of(
            "1h", new Duration[] {Duration.ofHours(1), Duration.ofMinutes(5)},
            "24h", new Duration[] {Duration.ofHours(24), Duration.ofHours(1)},
            "7d", new Duration[] {Duration.ofDays(7), Duration.ofHours(6)},
            "30d", new Duration[] {Duration.ofDays(30), Duration.ofDays(1)});

    private final DashboardBackend backend;
    private final DashboardMetrics metrics;
    private final LogStream logStream;
    private final Clock clock;

    ApiHandler(DashboardBackend backend, DashboardMetrics metrics, LogStream logStream, Clock clock) {
        this.backend = backend;
        this.metrics = metrics;
        this.logStream = logStream;
        this.clock = clock;
    }

    /** Handles {@code /api/...}; {@code path} is the path after {@code /api}, split into decoded segments. */
    boolean handle(Access.Grant grant, List<String> path, Request request, Response response, Callback callback) {
        String method = request.getMethod();
        boolean get = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
        boolean post = HttpMethod.POST.is(method);
        try {
            String first = path.isEmpty() ? "" : path.get(0);
            int n = path.size();
            if (get && n == 1 && first.equals("session")) {
                return Replies.ok(response, callback, Json.object().put("role", grant.role().name().toLowerCase(Locale.ROOT))
                        .put("canChange", grant.role() == Access.Role.ADMIN));
            }
            if (get && n == 1 && first.equals("overview")) {
                return overview(request, response, callback);
            }
            if (first.equals("runs")) {
                return runs(path, get, post, request, response, callback);
            }
            if (first.equals("schedules")) {
                return schedules(path, get, post, response, callback);
            }
            if (first.equals("sandboxes")) {
                return sandboxes(path, get, post || HttpMethod.DELETE.is(method), method, response, callback);
            }
            return Replies.error(response, callback, 404, "NOT_FOUND", "No API at " + request.getHttpURI().getPath()
                    + " for " + method + "; see docs/dashboard.md.");
        } catch (SandboxJobsException e) {
            return Replies.error(response, callback, e);
        } catch (IllegalArgumentException e) {
            return Replies.error(response, callback, 400, "INVALID_ARGUMENT", e.getMessage());
        } catch (IllegalStateException e) {
            return Replies.error(response, callback, 503, "UNAVAILABLE", e.getMessage());
        }
    }

    private boolean overview(Request request, Response response, Callback callback) {
        String range = query(request).getValue("range");
        Duration[] chosen = RANGES.get(range == null ? "24h" : range);
        if (chosen == null) {
            throw new IllegalArgumentException("range must be one of 1h, 24h, 7d, 30d; was " + range);
        }
        long bucket = chosen[1].toMillis();
        long now = clock.millis();
        long end = (now / bucket + 1) * bucket;
        Instant since = Instant.ofEpochMilli(end - chosen[0].toMillis());
        ObjectNode body = Json.statistics(backend.statistics(since, chosen[1]));
        body.put("range", range == null ? "24h" : range);
        body.set("metrics", Json.metrics(metrics.read()));
        return Replies.ok(response, callback, body);
    }

    private boolean runs(List<String> path, boolean get, boolean post, Request request, Response response, Callback callback) {
        int n = path.size();
        if (get && n == 1) {
            return listRuns(request, response, callback);
        }
        String runId = n > 1 ? path.get(1) : null;
        if (get && n == 2) {
            return Replies.ok(response, callback, Json.run(backend.run(runId), clock.instant()));
        }
        if (get && n == 3 && path.get(2).equals("logs")) {
            Fields q = query(request);
            long after = longParam(q, "after", 0);
            int limit = (int) Math.min(5000, Math.max(1, longParam(q, "limit", 1000)));
            backend.run(runId);
            ArrayNode lines = Json.MAPPER.createArrayNode();
            for (LogLine line : backend.logs(runId, after, limit)) {
                lines.add(Json.logLine(line));
            }
            return Replies.ok(response, callback, Json.object().set("lines", lines));
        }
        if (get && n == 4 && path.get(2).equals("logs") && path.get(3).equals("stream")) {
            String lastEventId = request.getHeaders().get("Last-Event-ID");
            long after = lastEventId != null ? parseLong("Last-Event-ID", lastEventId) : longParam(query(request), "after", 0);
            return logStream.start(runId, after, request, response, callback);
        }
        if (get && n == 3 && path.get(2).equals("artifacts")) {
            backend.run(runId);
            ArrayNode items = Json.MAPPER.createArrayNode();
            for (ArtifactInfo a : backend.artifacts(runId)) {
                items.add(Json.artifact(a));
            }
            return Replies.ok(response, callback, Json.object().set("items", items));
        }
        if (get && n == 4 && path.get(2).equals("artifacts")) {
            return artifact(runId, path.get(3), response, callback);
        }
        if (post && n == 3) {
            switch (path.get(2)) {
                case "cancel":
                    return Replies.ok(response, callback, Json.cancel(backend.cancel(runId)));
                case "retry": {
                    Run old = backend.run(runId);
                    if (!EnumSet.of(RunState.FAILED, RunState.TIMED_OUT, RunState.CANCELLED).contains(old.state())) {
                        return Replies.error(response, callback, 409, "NOT_RETRYABLE", "Run " + runId + " is "
                                + old.state() + "; only a failed, timed-out or cancelled run can be retried. Re-run it instead.");
                    }
                    // one retry per run, however often the button is pressed
                    Run retry = backend.rerun(runId, RETRY_OF, "dashboard-retry:" + runId);
                    return Replies.json(response, callback, 201, Json.run(retry, clock.instant()));
                }
                case "rerun": {
                    Run rerun = backend.rerun(runId, RERUN_OF, null);
                    return Replies.json(response, callback, 201, Json.run(rerun, clock.instant()));
                }
                default:
                    break;
            }
        }
        return Replies.error(response, callback, 404, "NOT_FOUND", "No such runs API; see docs/dashboard.md.");
    }

    private boolean listRuns(Request request, Response response, Callback callback) {
        Fields q = query(request);
        RunQuery query = RunQuery.all().limit((int) Math.min(MAX_PAGE, Math.max(1, longParam(q, "limit", DEFAULT_PAGE))));
        String states = q.getValue("state");
        if (states != null && !states.isBlank()) {
            Set<RunState> chosen = EnumSet.noneOf(RunState.class);
            for (String s : states.split(",")) {
                try {
                    chosen.add(RunState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Unknown state " + s + "; states are " + List.of(RunState.values()));
                }
            }
            query = query.inStates(chosen.toArray(RunState[]::new));
        }
        String workflow = q.getValue("workflow");
        if (workflow != null && !workflow.isBlank()) {
            query = query.withWorkflow(workflow.trim());
        }
        String label = q.getValue("label");
        if (label != null && !label.isBlank()) {
            int eq = label.indexOf('=');
            query = eq < 0 ? query.withLabel(label.trim(), null)
                    : query.withLabel(label.substring(0, eq).trim(), label.substring(eq + 1).trim());
        }
        Instant from = instant(q, "from");
        Instant until = instant(q, "until");
        if (from != null || until != null) {
            query = query.createdBetween(from, until);
        }
        String page = q.getValue("page");
        if (page != null && !page.isBlank()) {
            query = query.page(page);
        }
        Page<Run> result = backend.runs(query);
        Instant now = clock.instant();
        ArrayNode items = Json.MAPPER.createArrayNode();
        result.items().forEach(run -> items.add(Json.run(run, now)));
        ObjectNode body = Json.object();
        body.set("items", items);
        body.put("next", result.nextPageToken());
        return Replies.ok(response, callback, body);
    }

    private boolean artifact(String runId, String name, Response response, Callback callback) {
        byte[] bytes = backend.artifact(runId, name);
        String type = MimeTypes.DEFAULTS.getMimeByExtension(name);
        if (type == null) {
            type = "application/octet-stream";
        } else if (type.startsWith("text/") && !type.contains("charset")) {
            type += "; charset=utf-8";
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // an artifact is the run's content, not the dashboard's: no scripts, no access to the dashboard's origin
        response.getHeaders().put("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, (type.startsWith("text/") || type.startsWith("image/")
                || type.startsWith("application/json") ? "inline" : "attachment") + "; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    private boolean schedules(List<String> path, boolean get, boolean post, Response response, Callback callback) {
        int n = path.size();
        if (get && n == 1) {
            ArrayNode items = Json.MAPPER.createArrayNode();
            for (Schedule s : backend.schedules()) {
                items.add(Json.schedule(s));
            }
            return Replies.ok(response, callback, Json.object().set("items", items));
        }
        if (post && n == 3) {
            String id = path.get(1);
            switch (path.get(2)) {
                case "pause":
                    return Replies.ok(response, callback, Json.schedule(backend.pauseSchedule(id)));
                case "resume":
                    return Replies.ok(response, callback, Json.schedule(backend.resumeSchedule(id)));
                case "trigger":
                    return Replies.json(response, callback, 201, Json.run(backend.triggerSchedule(id), clock.instant()));
                default:
                    break;
            }
        }
        return Replies.error(response, callback, 404, "NOT_FOUND", "No such schedules API; see docs/dashboard.md.");
    }

    private boolean sandboxes(List<String> path, boolean get, boolean change, String method, Response response, Callback callback) {
        int n = path.size();
        if (get && n == 1) {
            String unavailable = backend.sandboxesUnavailable();
            ObjectNode body = Json.object();
            ArrayNode items = body.putArray("items");
            body.put("unavailable", unavailable);
            if (unavailable == null) {
                Instant now = clock.instant();
                for (SandboxInfo s : backend.sandboxes()) {
                    items.add(Json.sandbox(s, now));
                }
            }
            return Replies.ok(response, callback, body);
        }
        boolean destroy = change && (HttpMethod.DELETE.is(method) && n == 2 || n == 3 && path.get(2).equals("destroy"));
        if (destroy) {
            String id = path.get(1);
            if (!backend.destroySandbox(id)) {
                return Replies.error(response, callback, 404, "SANDBOX_NOT_FOUND", "No sandbox has id " + id + ".");
            }
            return Replies.ok(response, callback, Json.object().put("id", id).put("destroyed", true));
        }
        return Replies.error(response, callback, 404, "NOT_FOUND", "No such sandboxes API; see docs/dashboard.md.");
    }

    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URIUtil.decodePath(raw));
            }
        }
        return segments;
    }

    private static Fields query(Request request) {
        return Request.extractQueryParameters(request);
    }

    private static long longParam(Fields q, String name, long fallback) {
        String value = q.getValue(name);
        return value == null || value.isBlank() ? fallback : parseLong(name, value);
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was " + value);
        }
    }

    private static Instant instant(Fields q, String name) {
        String value = q.getValue(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, was " + value);
        }
    }
}
