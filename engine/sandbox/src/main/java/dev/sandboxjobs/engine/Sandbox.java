package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.util.List;

/**
 * A handle on a sandbox: a Docker container with its files, sessions and background processes.
 * The operations of {@link SandboxOperations} run in the sandbox's default session.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create();
 *      Sandbox sandbox = engine.getSandbox("my-sandbox")) {
 *     sandbox.writeFile("hello.py", "print('Hello')");
 *     ExecResult r = sandbox.exec("python3 hello.py");
 *     System.out.println(r.stdout());
 *     sandbox.destroy();
 * }
 * }</pre>
 *
 * <p>Handles are thread-safe. {@link #close()} only releases this handle; the sandbox lives on
 * (and can be found again by id) until {@link #destroy()} or its maximum lifetime.
 *
 * <p>If the container is killed from outside ({@code docker kill}), the next call starts it again
 * with its files: background processes are then reported {@link ProcessStatus#KILLED}, and a
 * command that was running when it died fails with {@link ErrorCode#SANDBOX_ERROR}. If the
 * container is removed from outside, the next call creates a new, empty one for the same id.
 */
public interface Sandbox extends SandboxOperations, AutoCloseable {
    /** The id of the default session. */
    String DEFAULT_SESSION = "default";

    /** The sandbox's id. */
    String id();

    /** What the engine's database knows about this sandbox now. */
    SandboxInfo info();

    /** Creates a session with its own shell, environment and directory. */
    ExecutionSession createSession(SessionOptions options);

    /** The session with that id, also one created by an earlier engine on the same database. */
    ExecutionSession getSession(String sessionId);

    /**
     * The egress policy in force: the one the sandbox was created with, or the last one given to
     * {@link #setEgressPolicy} (in this engine process). Injected secrets are known only when
     * given to this engine (in the options of {@code getSandbox}).
     */
    EgressPolicy egressPolicy();

    /**
     * Changes where the sandbox may connect to, at once: new connections are checked against
     * {@code policy} (open tunnels stay open until they close). A pipeline can open the network
     * for installing dependencies and close it for the tests:
     *
     * <pre>{@code
     * sandbox.setEgressPolicy(EgressPolicy.allow("registry.npmjs.org"));
     * sandbox.exec("npm ci");
     * sandbox.setEgressPolicy(EgressPolicy.allow());   // nothing allowed
     * sandbox.exec("npm test");
     * }</pre>
     *
     * <p>A sandbox created with {@link dev.sandboxjobs.engine.egress.EgressPolicy#none()} has no
     * network interface and cannot be given one: that throws {@link ErrorCode#INVALID_ARGUMENT}.
     * The change lives in this engine process; a later engine applies the policy the sandbox
     * was created with until told otherwise.
     */
    void setEgressPolicy(EgressPolicy policy);

    /**
     * What the sandbox tried to reach through the egress proxy, oldest first: host, port, method,
     * allowed or denied and why (never paths, header values or bodies). Kept with the engine's
     * data until the sandbox is destroyed, at most 10,000 events.
     */
    List<EgressEvent> egressLog();

    /** The ids of the sandbox's sessions, the default one included. */
    List<String> listSessions();

    /**
     * Deletes a session and its shell; processes it started go on running.
     *
     * @throws SandboxException {@link ErrorCode#SESSION_NOT_FOUND}, or {@link ErrorCode#INVALID_ARGUMENT}
     *                          for the default session
     */
    void deleteSession(String sessionId);

    /**
     * Takes a snapshot of the whole sandbox's filesystem (everything but named volumes: installed
     * packages, files, the processes' logs), kept by the engine for {@code options.ttl()}. Start new
     * sandboxes from it with {@link SandboxOptions.Builder#fromSnapshot}. Processes, code contexts,
     * sessions and variables set through the API are not part of it. The copy is taken while the
     * sandbox runs (not paused: pausing a container races with Docker execs starting in it), so a
     * file being written at that moment may be caught half-written.
     *
     * <pre>{@code
     * sandbox.exec("pip install requests");
     * SandboxSnapshot installed = sandbox.snapshot(SnapshotOptions.named("with requests"));
     * Sandbox a = engine.getSandbox("test-a", SandboxOptions.builder().fromSnapshot(installed).build());
     * Sandbox b = engine.getSandbox("test-b", SandboxOptions.builder().fromSnapshot(installed).build());
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#SANDBOX_DESTROYED} for a destroyed sandbox
     */
    SandboxSnapshot snapshot(SnapshotOptions options);

    /** Takes a snapshot kept seven days; see {@link #snapshot(SnapshotOptions)}. */
    default SandboxSnapshot snapshot() {
        return snapshot(SnapshotOptions.DEFAULT);
    }

    /** Removes the container, its files and processes and everything stored about the sandbox. Safe twice. */
    void destroy();

    /** Releases this handle without destroying the sandbox. Safe twice. */
    @Override
    void close();
}
