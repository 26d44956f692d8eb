package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import dev.sandboxjobs.engine.interpreter.internal.DockerExecLauncher;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox's code interpreter: created on first use (or pre-warmed when the container starts),
 * stopped with the container, and the memory of the contexts it lost, to explain
 * {@code CONTEXT_NOT_FOUND}.
 */
final class InterpreterSlot {
    private static final Logger LOG = LoggerFactory.getLogger(InterpreterSlot.class);

    private final SandboxRuntime sandbox;
    private final Object lock = new Object();
    private CodeInterpreter interpreter;
    /** Contexts whose interpreter was stopped (context id to why), to explain CONTEXT_NOT_FOUND. */
    private final Map<String, String> lostContexts = new ConcurrentHashMap<>();

    InterpreterSlot(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    /** The sandbox's code interpreter, created (and its executors pre-warmed) on first use. */
    CodeInterpreter get() {
        synchronized (lock) {
            if (interpreter == null) {
                interpreter = new CodeInterpreter(new DockerExecLauncher(sandbox.containers.client(),
                        sandbox.containerId(), sandbox.containers.userOf(sandbox.containerId())), sandbox.clock, null, prewarmLanguages(),
                        sandbox.environment::variables, true);
            }
            return interpreter;
        }
    }

    /** The code interpreter if one runs now (never starts one). */
    CodeInterpreter ifRunning() {
        synchronized (lock) {
            return interpreter;
        }
    }

    /** The languages pre-warmed for this sandbox: its own option, else the engine's. */
    Set<CodeLanguage> prewarmLanguages() {
        return sandbox.settings.prewarm() != null ? sandbox.settings.prewarm() : sandbox.services.prewarm();
    }

    /** Starts the pre-warmed executors in the background (a container just started). */
    void prewarm() {
        if (!prewarmLanguages().isEmpty() && !sandbox.isDestroyed()) {
            try {
                get();
            } catch (RuntimeException e) {
                LOG.debug("Could not pre-warm the code interpreter of sandbox {}", sandbox.id, e);
            }
        }
    }

    /** Stops every executor; contexts are lost, and later use of them says why. */
    void close(String reason) {
        CodeInterpreter current;
        synchronized (lock) {
            current = interpreter;
            interpreter = null;
        }
        if (current != null) {
            current.listCodeContexts().forEach(c -> lostContexts.put(c.id(), reason));
            current.close();
        }
    }

    /** Why a context is unknown: deleted, lost when the interpreter stopped, or never created here. */
    String lostContextHint(String contextId) {
        String reason = lostContexts.get(contextId);
        if (reason != null) {
            return "Code context " + contextId + " of sandbox " + sandbox.id + " is gone: " + reason
                    + ", and variables and imports were lost. Create a new context with createCodeContext"
                    + " and run its set-up code again.";
        }
        return "No code context " + contextId + " in sandbox " + sandbox.id + ": it was deleted, belongs to another"
                + " sandbox, or was lost when the sandbox slept, its container restarted or the engine restarted"
                + " (contexts live in their interpreter processes only). Create a new one with createCodeContext.";
    }

    /**
     * Why the default context of a language was lost, once: the next run in it starts fresh and
     * says so. Null when it was not lost.
     */
    String takeLostDefaultContext(String defaultContextId) {
        return lostContexts.remove(defaultContextId);
    }

    void contextDeleted(String contextId) {
        lostContexts.put(contextId, "it was deleted with deleteCodeContext");
    }
}
