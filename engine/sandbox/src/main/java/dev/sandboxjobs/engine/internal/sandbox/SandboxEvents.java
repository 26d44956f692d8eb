package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.ExecSummary;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link SandboxListener}s and the calls to them: each listener is called in turn, a
 * listener's exception is logged and never reaches the engine or the next listener.
 */
public final class SandboxEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxEvents.class);

    private final List<SandboxListener> listeners = new CopyOnWriteArrayList<>();

    public void add(SandboxListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public boolean remove(SandboxListener listener) {
        return listeners.remove(listener);
    }

    void created(SandboxRuntime sandbox) {
        if (!listeners.isEmpty()) {
            SandboxInfo info = sandbox.info();
            fire("onSandboxCreated", l -> l.onSandboxCreated(info));
        }
    }

    void destroyed(String sandboxId) {
        fire("onSandboxDestroyed", l -> l.onSandboxDestroyed(sandboxId));
    }

    void orphanReaped(String containerId, String sandboxId) {
        fire("onOrphanReaped", l -> l.onOrphanReaped(containerId, sandboxId));
    }

    /** Runs a command and reports how it ended; arguments rejected before it ran are not reported. */
    ExecResult exec(String sandboxId, String sessionId, Supplier<ExecResult> command) {
        if (listeners.isEmpty()) {
            return command.get();
        }
        long start = System.nanoTime();
        try {
            ExecResult r = command.get();
            report(new ExecSummary(sandboxId, sessionId, since(start),
                    r.success() ? ExecSummary.Outcome.SUCCESS : ExecSummary.Outcome.FAILURE, r.exitCode(), null));
            return r;
        } catch (SandboxException e) {
            if (e.code() != ErrorCode.INVALID_ARGUMENT) {
                report(new ExecSummary(sandboxId, sessionId, since(start), e.code() == ErrorCode.COMMAND_TIMEOUT
                        ? ExecSummary.Outcome.TIMEOUT : ExecSummary.Outcome.ERROR, -1, e.code()));
            }
            throw e;
        } catch (RuntimeException e) {
            report(new ExecSummary(sandboxId, sessionId, since(start), ExecSummary.Outcome.ERROR, -1,
                    ErrorCode.SANDBOX_ERROR));
            throw e;
        }
    }

    private void report(ExecSummary summary) {
        fire("onExecFinished", l -> l.onExecFinished(summary));
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void fire(String event, Consumer<SandboxListener> call) {
        for (SandboxListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("The sandbox listener {} failed in {}; ignored", l.getClass().getName(), event, e);
            }
        }
    }
}
