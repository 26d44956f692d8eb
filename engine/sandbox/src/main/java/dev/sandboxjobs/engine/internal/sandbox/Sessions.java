package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.storage.sandbox.SessionRecord;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A sandbox's sessions: the default one, created on first use, and those made by createSession, stored. */
final class Sessions {
    private final SandboxRuntime sandbox;
    private final Map<String, SessionState> live = new ConcurrentHashMap<>();

    Sessions(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    SessionState get(String sessionId) {
        SessionState s = live.get(sessionId);
        if (s != null) {
            return s;
        }
        String id = sandbox.id;
        if (Sandboxes.DEFAULT_SESSION.equals(sessionId)) {
            SessionRecord inserted = new SessionRecord(id, sessionId, "{}", SandboxRuntime.DEFAULT_CWD,
                    sandbox.clock.millis());
            if (sandbox.repo.insertSession(inserted)) {
                return live.computeIfAbsent(sessionId, k -> new SessionState(sandbox, inserted.id(), Map.of(),
                        inserted.cwd()));
            }
        }
        SessionRecord rec = sandbox.repo.findSession(id, sessionId).orElseThrow(() -> new SandboxException(
                ErrorCode.SESSION_NOT_FOUND, "Sandbox " + id + " has no session '" + sessionId
                + "'. Create it with createSession, or list them with listSessions."));
        return live.computeIfAbsent(sessionId, k -> new SessionState(sandbox, rec.id(), Json.readMap(rec.envJson()),
                rec.cwd()));
    }

    SessionState create(String sessionId, Map<String, String> sessionEnv, String cwd) {
        SandboxEnvironment.validate(sessionEnv);
        String sid = sessionId != null ? sessionId
                : "session-" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(6));
        if (sid.isBlank() || sid.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A session id must not be blank or contain NUL.");
        }
        String dir = cwd == null ? SandboxRuntime.DEFAULT_CWD : PosixPaths.resolve(cwd, SandboxRuntime.DEFAULT_CWD);
        if (Sandboxes.DEFAULT_SESSION.equals(sid) || !sandbox.repo.insertSession(new SessionRecord(sandbox.id, sid,
                Json.write(sessionEnv), dir, sandbox.clock.millis()))) {
            throw new SandboxException(ErrorCode.SESSION_EXISTS, "Sandbox " + sandbox.id + " already has a session '"
                    + sid + "'. Use getSession to resume it, or choose another id.");
        }
        return get(sid);
    }

    List<String> list() {
        get(Sandboxes.DEFAULT_SESSION);
        return sandbox.repo.listSessions(sandbox.id).stream().map(SessionRecord::id).toList();
    }

    void delete(String sessionId) {
        if (Sandboxes.DEFAULT_SESSION.equals(sessionId)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT,
                    "The default session cannot be deleted; destroy the sandbox instead.");
        }
        SessionState s = live.remove(sessionId);
        if (s != null) {
            s.closeShell();
        }
        if (!sandbox.repo.deleteSession(sandbox.id, sessionId) && s == null) {
            throw new SandboxException(ErrorCode.SESSION_NOT_FOUND, "Sandbox " + sandbox.id + " has no session '"
                    + sessionId + "'.");
        }
    }

    /** Tells every live session that sandbox-wide variables changed. */
    void sandboxEnvChanged(Map<String, String> vars) {
        for (SessionState s : live.values()) {
            s.sandboxEnvChanged(vars);
        }
    }

    /** Closes the sessions' shells; with {@code containerGoing} without killing their processes. */
    void closeShells(boolean containerGoing) {
        for (SessionState s : live.values()) {
            s.closeShell(containerGoing);
        }
    }

    void clear() {
        live.clear();
    }
}
