package dev.sandboxjobs.dashboard.internal;

import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.workflow.LogLine;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunState;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A run's log as Server-Sent Events, live while the run goes on: {@code line} events (the event
 * id is the line's sequence number, so a browser that reconnects resumes with
 * {@code Last-Event-ID}), a {@code state} event when the run's state changes, and one {@code end}
 * event when the run is over and every line has been sent. Lines are read from the database,
 * so the stream works whichever process runs the job. No thread waits between events: each
 * follower is a task on a shared timer.
 */
final class LogStream {
    static final long POLL_MILLIS = 250;
    static final long KEEP_ALIVE_MILLIS = 15_000;
    static final int BATCH = 500;

    private final DashboardBackend backend;
    private final ScheduledExecutorService timer;
    private final Clock clock;

    LogStream(DashboardBackend backend, ScheduledExecutorService timer, Clock clock) {
        this.backend = backend;
        this.timer = timer;
        this.clock = clock;
    }

    boolean start(String runId, long after, Request request, Response response, Callback callback) {
        backend.run(runId);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Accel-Buffering", "no");
        Follower follower = new Follower(runId, after, response, callback);
        request.addFailureListener(failure -> follower.stopped.set(true));
        timer.execute(follower::poll);
        return true;
    }

    private final class Follower {
        final String runId;
        final Response response;
        final Callback callback;
        final AtomicBoolean stopped = new AtomicBoolean();
        long after;
        RunState state;
        long lastWrite;

        Follower(String runId, long after, Response response, Callback callback) {
            this.runId = runId;
            this.after = after;
            this.response = response;
            this.callback = callback;
            this.lastWrite = clock.millis();
        }

        void poll() {
            if (stopped.get()) {
                callback.failed(new java.io.EOFException("the client went away"));
                return;
            }
            StringBuilder out = new StringBuilder();
            boolean end;
            int read;
            try {
                // the state first: lines written before a run ended are in the database by the time it reads as ended
                Run run = backend.run(runId);
                List<LogLine> lines = backend.logs(runId, after, BATCH);
                read = lines.size();
                for (LogLine line : lines) {
                    event(out, Long.toString(line.seq()), "line", Json.write(Json.logLine(line)));
                    after = line.seq();
                }
                if (run.state() != state) {
                    state = run.state();
                    event(out, null, "state", Json.write(Json.run(run, clock.instant())));
                }
                end = run.state().isFinished() && read < BATCH;
                if (end) {
                    event(out, null, "end", Json.write(Json.object().put("state", run.state().name())));
                }
            } catch (SandboxJobsException e) {
                read = 0;
                end = true;
                event(out, null, "error", Json.write(Json.error(e.code().name(), e.getMessage())));
            } catch (RuntimeException e) {
                read = 0;
                end = true;
                event(out, null, "error", Json.write(Json.error("INTERNAL", String.valueOf(e.getMessage()))));
            }
            if (out.length() == 0 && clock.millis() - lastWrite >= KEEP_ALIVE_MILLIS) {
                out.append(": keep-alive\n\n");
            }
            if (out.length() == 0) {
                timer.schedule(this::poll, POLL_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            lastWrite = clock.millis();
            boolean last = end;
            long delay = read == BATCH ? 0 : POLL_MILLIS;
            Content.Sink.write(response, last, out.toString(), Callback.from(() -> {
                if (last) {
                    callback.succeeded();
                } else {
                    timer.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
                }
            }, callback::failed));
        }

        private void event(StringBuilder out, String id, String name, String data) {
            if (id != null) {
                out.append("id: ").append(id).append('\n');
            }
            out.append("event: ").append(name).append('\n');
            for (String line : data.split("\n", -1)) {
                out.append("data: ").append(line).append('\n');
            }
            out.append('\n');
        }
    }
}
