package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecutionSession;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SessionOptions;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.Logs;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/** A handle on a sandbox; its operations run in the default session. */
public final class RealSandbox extends Operations implements Sandbox {
    private final Consumer<SandboxRuntime> onDestroy;
    private volatile boolean closed;

    public RealSandbox(SandboxRuntime sandbox, ExecutorService executor, Consumer<SandboxRuntime> onDestroy) {
        super(sandbox, executor);
        this.onDestroy = onDestroy;
    }

    @Override
    String sessionId() {
        return DEFAULT_SESSION;
    }

    @Override
    public String id() {
        return sandbox.id;
    }

    @Override
    public SandboxInfo info() {
        return sandbox.info();
    }

    @Override
    public ExecutionSession createSession(SessionOptions options) {
        checkOpen();
        SessionOptions o = options == null ? SessionOptions.DEFAULT : options;
        SessionState s = sandbox.createSession(o.id(), o.env(), o.cwd());
        return new RealSession(sandbox, executor, s.id);
    }

    @Override
    public ExecutionSession getSession(String sessionId) {
        checkOpen();
        if (sessionId == null) {
            throw new SandboxException(ErrorCode.SESSION_NOT_FOUND, "The session id is null.");
        }
        sandbox.session(sessionId);
        return new RealSession(sandbox, executor, sessionId);
    }

    @Override
    public List<String> listSessions() {
        checkOpen();
        return sandbox.listSessions();
    }

    @Override
    public void deleteSession(String sessionId) {
        checkOpen();
        sandbox.deleteSession(sessionId);
    }

    @Override
    public void setEnvVars(Map<String, String> envVars) {
        session();
        sandbox.setEnvVars(envVars);
    }

    // ----- code interpreter

    @Override
    public CodeContext createCodeContext(CreateContextOptions options) {
        checkOpen();
        session();
        CreateContextOptions o = options == null ? CreateContextOptions.defaults() : options;
        return sandbox.call(() -> sandbox.interpreter().createCodeContext(o));
    }

    @Override
    public Execution runCode(String code, RunCodeOptions options) {
        checkOpen();
        session();
        if (code == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The code to run is null.");
        }
        RunCodeOptions o = options == null ? RunCodeOptions.defaults() : options;
        return sandbox.call(() -> {
            try {
                if (o.context() == null) {
                    String reason = sandbox.takeLostDefaultContext("default-" + o.language().id());
                    if (reason != null) {
                        return withNotice(sandbox.interpreter(), code, o, "[sandbox-jobs] The default "
                                + o.language().id() + " context was started again because " + reason
                                + ": variables and imports from earlier runs are gone.");
                    }
                }
                return sandbox.interpreter().runCode(code, o);
            } catch (SandboxException e) {
                if (e.code() == ErrorCode.CONTEXT_NOT_FOUND && o.context() != null) {
                    throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, sandbox.lostContextHint(o.context().id()), e);
                }
                throw e;
            }
        });
    }

    /** Runs code with a notice line first on stderr (in the callback and in the logs). */
    private static Execution withNotice(CodeInterpreter interpreter, String code, RunCodeOptions o, String notice) {
        o.onStderr().accept(notice + "\n");
        Execution run = interpreter.runCode(code, o);
        List<String> stderr = new java.util.ArrayList<>();
        stderr.add(notice);
        stderr.addAll(run.logs().stderr());
        return new Execution(run.code(), new Logs(run.logs().stdout(), stderr), run.results(), run.error(),
                run.executionCount());
    }

    @Override
    public List<CodeContext> listCodeContexts() {
        checkOpen();
        session();
        CodeInterpreter interpreter = sandbox.interpreterIfRunning();
        return interpreter == null ? List.of() : interpreter.listCodeContexts();
    }

    @Override
    public void deleteCodeContext(String contextId) {
        checkOpen();
        session();
        try {
            CodeInterpreter interpreter = sandbox.interpreterIfRunning();
            if (interpreter == null) {
                throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, "no interpreter runs");
            }
            interpreter.deleteCodeContext(contextId);
            sandbox.contextDeleted(contextId);
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.CONTEXT_NOT_FOUND) {
                throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, sandbox.lostContextHint(contextId), e);
            }
            throw e;
        }
    }

    // ----- ports

    @Override
    public ExposedPort exposePort(int port, String name) {
        checkOpen();
        session();
        return sandbox.services.previews().expose(sandbox, port, name);
    }

    @Override
    public void unexposePort(int port) {
        checkOpen();
        session();
        sandbox.services.previews().unexpose(sandbox, port);
    }

    @Override
    public List<ExposedPort> getExposedPorts() {
        checkOpen();
        session();
        return sandbox.services.previews().exposedPorts(sandbox);
    }

    @Override
    public void destroy() {
        if (sandbox.isDestroyed()) {
            return;
        }
        sandbox.destroy();
        onDestroy.accept(sandbox);
    }

    @Override
    public void close() {
        closed = true;
        markClosed();
    }

    private void checkOpen() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "This handle on sandbox " + sandbox.id + " was closed.");
        }
    }

    @Override
    public String toString() {
        return "Sandbox[" + sandbox.id + "]";
    }
}
