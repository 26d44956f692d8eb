package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ExecutionSession;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/** A handle on a named session. */
final class RealSession extends Operations implements ExecutionSession {
    private final String sessionId;

    RealSession(SandboxRuntime sandbox, ExecutorService executor, String sessionId) {
        super(sandbox, executor);
        this.sessionId = sessionId;
    }

    @Override
    String sessionId() {
        return sessionId;
    }

    @Override
    public String id() {
        return sessionId;
    }

    @Override
    public String sandboxId() {
        return sandbox.id;
    }

    @Override
    public void setEnvVars(Map<String, String> envVars) {
        session().setEnvVars(envVars);
    }

    @Override
    public String toString() {
        return "ExecutionSession[" + sandbox.id + "/" + sessionId + "]";
    }
}
