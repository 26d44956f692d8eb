package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecutionSession;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SessionOptions;
import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.SnapshotOptions;
import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.Logs;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/** A handle on a sandbox; its operations run in the default session. */
final class RealSandbox extends Operations implements Sandbox {
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
    public EgressPolicy egressPolicy() {
        checkOpen();
        return SandboxEgress.policy(sandbox);
    }

    @Override
    public void setEgressPolicy(EgressPolicy policy) {
        checkOpen();
        SandboxEgress.set(sandbox, Objects.requireNonNull(policy, "policy"));
    }

    @Override
    public List<EgressEvent> egressLog() {
        checkOpen();
        return SandboxEgress.log(sandbox);
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

    @Override
    public SandboxSnapshot snapshot(SnapshotOptions options) {
        if (closed || sandbox.isDestroyed()) {
            checkOpen();
            throw new SandboxException(ErrorCode.SANDBOX_DESTROYED, "Sandbox " + sandbox.id
                    + " was destroyed, so it cannot be snapshotted. Snapshot a live sandbox.");
        }
        return Snapshots.take(sandbox, options == null ? SnapshotOptions.DEFAULT : options);
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
