package dev.sandboxjobs.engine.interpreter.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.ExecutionError;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol client of one executor process: sends requests as JSON lines, routes the events
 * that come back to the request they belong to, and enforces timeouts from this side too. One
 * request runs at a time; concurrent callers wait their turn.
 *
 * <p>The executor interrupts code that exceeds its timeout by itself. If it does not answer
 * within {@link #GRACE} after that, this client interrupts it (protocol request, then SIGINT),
 * and if it still does not answer, kills it: the run ends with an error that says the state was
 * lost, and {@link #isAlive()} turns false so that the owner starts a fresh executor.
 */
final class ExecutorClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long past its timeout a run may take before the client steps in. */
    static final Duration GRACE = Duration.ofSeconds(5);
    private static final int MAX_DIAGNOSTICS = 8192;

    private final CodeLanguage language;
    private final ExecutorChannel channel;
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StringBuilder diagnostics = new StringBuilder();
    private volatile ExecutionCollector current;
    private volatile boolean alive = true;
    private volatile boolean deathReported;

    private ExecutorClient(CodeLanguage language, ExecutorLauncher launcher, ExecutorCommand command) {
        this.language = language;
        this.channel = launcher.launch(command, new Listener());
    }

    /** Launches an executor; call {@link #awaitReady} before the first request. */
    public static ExecutorClient launch(ExecutorLauncher launcher, CodeLanguage language, ExecutorCommand command) {
        return new ExecutorClient(language, launcher, command);
    }

    public CodeLanguage language() {
        return language;
    }

    /** Waits until the executor said it is ready; returns its pid. */
    public long awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw unavailable("did not become ready within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            close();
            throw unavailable("exited before it was ready", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw unavailable("start was interrupted", e);
        }
    }

    /** Whether the executor is connected and answering. */
    public boolean isAlive() {
        return alive && !closed.get();
    }

    /** Moves the executor to {@code cwd} (created if missing) and adds {@code env} to its environment. */
    public void configure(String cwd, Map<String, String> env, Duration timeout) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "configure");
        request.put("cwd", cwd);
        request.put("env", env);
        Execution outcome = run(request, "", timeout, RunCodeOptions.defaults(), false);
        if (outcome.error() != null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Could not set up the code context (cwd " + cwd
                    + "): " + outcome.error().name() + ": " + outcome.error().value());
        }
    }

    /** Runs code and returns what it produced; callbacks in {@code options} fire as events arrive. */
    public Execution execute(String code, RunCodeOptions options) {
        return execute(code, options, null);
    }

    /** Like {@link #execute(String, RunCodeOptions)}, with a notice put first on the run's stderr. */
    public Execution execute(String code, RunCodeOptions options, String stderrNotice) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "execute");
        request.put("code", code);
        request.put("timeout", options.timeout().toMillis());
        return run(request, code, options.timeout(), options, true, stderrNotice);
    }

    /**
     * Whether the executor stopped in a way some run already reported (it died or was killed
     * during that run). False for one that stopped between runs: the next run must say so.
     */
    public boolean deathReported() {
        return deathReported || closed.get();
    }

    private Execution run(Map<String, Object> request, String code, Duration timeout, RunCodeOptions options,
            boolean interruptible) {
        return run(request, code, timeout, options, interruptible, null);
    }

    private Execution run(Map<String, Object> request, String code, Duration timeout, RunCodeOptions options,
            boolean interruptible, String stderrNotice) {
        turn.lock();
        try {
            if (!isAlive()) {
                throw unavailable("is no longer running", null);
            }
            String id = Long.toString(ids.incrementAndGet());
            request.put("id", id);
            ExecutionCollector collector = new ExecutionCollector(id, code, options);
            if (stderrNotice != null) {
                collector.stderr(stderrNotice + "\n");
            }
            current = collector;
            try {
                channel.send(JSON.writeValueAsString(request));
            } catch (IOException e) {
                kill();
                throw unavailable("could not be sent the request", e);
            }
            Execution outcome = await(collector, timeout.plus(GRACE));
            if (outcome == null && interruptible) {
                LOG.warn("{} executor did not stop at its timeout; interrupting it", language.id());
                interrupt();
                outcome = await(collector, GRACE);
            }
            if (outcome == null) {
                deathReported = true;
                collector.fail(new ExecutionError("TimeoutError", "Execution exceeded its timeout of "
                        + timeout.toMillis() + " ms and did not stop when interrupted; the " + language.id()
                        + " context was restarted and its state (variables, imports) was lost.", List.of()));
                kill();
                collector.finish(0);
                outcome = collector.done.join();
            }
            return outcome;
        } finally {
            current = null;
            turn.unlock();
        }
    }

    private static Execution await(ExecutionCollector collector, Duration timeout) {
        try {
            return collector.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Interrupts the running code (as Ctrl+C would); the context keeps its state. */
    public void interrupt() {
        try {
            channel.send("{\"type\":\"interrupt\"}");
        } catch (IOException e) {
            // the signal below is the fallback
        }
        Long pid = ready.getNow(null);
        if (pid != null) {
            channel.signal(pid, "INT");
        }
    }

    private void kill() {
        alive = false;
        Long pid = ready.getNow(null);
        if (pid != null) {
            channel.signal(pid, "KILL");
        }
        channel.close();
    }

    /** Kills the executor and ends the connection. Safe to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            kill();
        }
    }

    private SandboxException unavailable(String what, Throwable cause) {
        String detail;
        synchronized (diagnostics) {
            detail = diagnostics.toString().strip();
        }
        return new SandboxException(ErrorCode.INTERPRETER_UNAVAILABLE, "The " + language.id() + " code interpreter "
                + what + (detail.isEmpty() ? "" : " (its stderr: " + detail + ")")
                + ". Check that the sandbox uses the runtime image (it installs the executors under "
                + ExecutorCommand.INSTALL_DIR + ").", cause);
    }

    private final class Listener implements ExecutorChannel.Listener {
        @Override
        public void onLine(String line) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                LOG.warn("{} executor wrote a line that is not JSON; ignored", language.id());
                return;
            }
            String type = event.path("type").asText("");
            if (type.equals("ready")) {
                ready.complete(event.path("pid").asLong());
                return;
            }
            if (type.equals("protocol_error")) {
                LOG.warn("{} executor reported a protocol error: {}", language.id(), event.path("message").asText());
            }
            ExecutionCollector collector = current;
            String id = event.path("id").asText(null);
            if (collector != null && collector.id.equals(id)) {
                collector.onEvent(type, event);
            } else {
                LOG.debug("{} executor event {} outside its request; ignored", language.id(), type);
            }
        }

        @Override
        public void onStderr(String text) {
            ExecutionCollector collector = current;
            if (collector != null && ready.isDone()) {
                collector.stderr(text);
                return;
            }
            synchronized (diagnostics) {
                diagnostics.append(text);
                if (diagnostics.length() > MAX_DIAGNOSTICS) {
                    diagnostics.delete(0, diagnostics.length() - MAX_DIAGNOSTICS);
                }
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            alive = false;
            ready.completeExceptionally(cause != null ? cause : new IOException("executor exited"));
            ExecutionCollector collector = current;
            if (collector != null && !closed.get()) {
                deathReported = true;
                collector.fail(new ExecutionError("ExecutorExited", "The " + language.id()
                        + " interpreter exited while running this code (exit(), a crash or out of memory); the"
                        + " context was restarted and its state (variables, imports) was lost.", List.of()));
                collector.finish(0);
            }
        }
    }
}
