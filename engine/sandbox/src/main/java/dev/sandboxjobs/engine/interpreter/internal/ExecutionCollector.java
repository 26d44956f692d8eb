package dev.sandboxjobs.engine.interpreter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.ExecutionError;
import dev.sandboxjobs.engine.interpreter.Logs;
import dev.sandboxjobs.engine.interpreter.Result;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the events of one request into an {@link Execution}, calling the user's callbacks as
 * events arrive. Logs are kept as lines and capped per stream, with a marker where they were cut.
 */
final class ExecutionCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionCollector.class);
    static final int MAX_LOG_CHARS = 8 * 1024 * 1024;
    static final String TRUNCATED = "[output truncated: more than " + MAX_LOG_CHARS + " characters]";

    final String id;
    private final String code;
    private final RunCodeOptions options;
    private final Lines stdout = new Lines();
    private final Lines stderr = new Lines();
    private final List<Result> results = new ArrayList<>();
    private ExecutionError error;
    final CompletableFuture<Execution> done = new CompletableFuture<>();

    ExecutionCollector(String id, String code, RunCodeOptions options) {
        this.id = id;
        this.code = code;
        this.options = options;
    }

    synchronized void onEvent(String type, JsonNode event) {
        switch (type) {
            case "stdout" -> stdout(event.path("text").asText(""));
            case "stderr" -> stderr(event.path("text").asText(""));
            case "result" -> {
                Result result = toResult(event);
                results.add(result);
                call(() -> options.onResult().accept(result));
            }
            case "error" -> {
                List<String> traceback = new ArrayList<>();
                event.path("traceback").forEach(line -> traceback.add(line.asText()));
                fail(new ExecutionError(event.path("name").asText("Error"), event.path("value").asText(""), traceback));
            }
            case "done" -> finish(event.path("executionCount").asInt(0));
            default -> LOG.debug("ignoring executor event of type {}", type);
        }
    }

    synchronized void stdout(String text) {
        if (!text.isEmpty()) {
            stdout.add(text);
            call(() -> options.onStdout().accept(text));
        }
    }

    synchronized void stderr(String text) {
        if (!text.isEmpty()) {
            stderr.add(text);
            call(() -> options.onStderr().accept(text));
        }
    }

    /** Records an error that did not come from the executor (it died, or stopped answering). */
    synchronized void fail(ExecutionError failure) {
        if (error == null) {
            error = failure;
            call(() -> options.onError().accept(failure));
        }
    }

    synchronized void finish(int executionCount) {
        if (!done.isDone()) {
            done.complete(new Execution(code, new Logs(stdout.finish(), stderr.finish()), results, error, executionCount));
        }
    }

    private static Result toResult(JsonNode event) {
        Map<String, String> data = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = event.path("data").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            data.put(field.getKey(), value.isTextual() && !field.getKey().equals("application/json")
                    ? value.asText() : value.toString());
        }
        JsonNode chart = event.get("chart");
        return new Result(data, chart == null || chart.isNull() ? null : chart.toString(),
                event.path("isMainResult").asBoolean(false));
    }

    private static void call(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("a code interpreter callback threw; the run goes on", e);
        }
    }

    /** Assembles chunks into lines, bounded. */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private long chars;
        private boolean truncated;

        void add(String chunk) {
            if (truncated) {
                return;
            }
            chars += chunk.length();
            if (chars > MAX_LOG_CHARS) {
                truncated = true;
                return;
            }
            int start = 0;
            int newline;
            while ((newline = chunk.indexOf('\n', start)) >= 0) {
                partial.append(chunk, start, newline);
                lines.add(partial.toString());
                partial.setLength(0);
                start = newline + 1;
            }
            partial.append(chunk, start, chunk.length());
        }

        List<String> finish() {
            if (partial.length() > 0) {
                lines.add(partial.toString());
                partial.setLength(0);
            }
            if (truncated) {
                lines.add(TRUNCATED);
            }
            return lines;
        }
    }
}
