package dev.sandboxjobs.engine;

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

    /** The ids of the sandbox's sessions, the default one included. */
    List<String> listSessions();

    /**
     * Deletes a session and its shell; processes it started go on running.
     *
     * @throws SandboxException {@link ErrorCode#SESSION_NOT_FOUND}, or {@link ErrorCode#INVALID_ARGUMENT}
     *                          for the default session
     */
    void deleteSession(String sessionId);

    /** Removes the container, its files and processes and everything stored about the sandbox. Safe twice. */
    void destroy();

    /** Releases this handle without destroying the sandbox. Safe twice. */
    @Override
    void close();
}
