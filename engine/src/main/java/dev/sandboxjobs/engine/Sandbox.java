package dev.sandboxjobs.engine;

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

    /** The ids of the sandbox's sessions, the default one included. */
    List<String> listSessions();

    /**
     * Deletes a session and its shell; processes it started go on running.
     *
     * @throws SandboxException {@link ErrorCode#SESSION_NOT_FOUND}, or {@link ErrorCode#INVALID_ARGUMENT}
     *                          for the default session
     */
    void deleteSession(String sessionId);

    // ----- code interpreter (see docs/code-interpreter.md)

    /**
     * Creates a code context: an interpreter (Python or JavaScript) whose variables, imports and
     * functions persist between {@link #runCode} calls and are isolated from other contexts.
     *
     * <pre>{@code
     * CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
     * sandbox.runCode("x = 21", RunCodeOptions.in(ctx));
     * sandbox.runCode("x * 2", RunCodeOptions.in(ctx)).text(); // "42"
     * }</pre>
     *
     * <p>Contexts live in their interpreter processes: when the sandbox sleeps, its container
     * restarts or the engine restarts, they are lost, and using one gives
     * {@link ErrorCode#CONTEXT_NOT_FOUND} with a message saying why.
     *
     * @throws SandboxException {@link ErrorCode#INTERPRETER_UNAVAILABLE} when the image has no executors
     */
    CodeContext createCodeContext(CreateContextOptions options);

    /** A Python context in {@code /workspace}. */
    default CodeContext createCodeContext() {
        return createCodeContext(CreateContextOptions.defaults());
    }

    /**
     * Runs code in {@code options.context()}, or in the default context of {@code options.language()}
     * (created on first use). Errors raised by the code are data ({@link Execution#error()}), not
     * exceptions.
     *
     * <pre>{@code
     * Execution run = sandbox.runCode("import pandas as pd\npd.DataFrame({'a': [1, 2]})");
     * run.results().get(0).html(); // "<table ..."
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#CONTEXT_NOT_FOUND} for a deleted or lost context
     */
    Execution runCode(String code, RunCodeOptions options);

    /** Runs Python code in the default Python context. */
    default Execution runCode(String code) {
        return runCode(code, RunCodeOptions.defaults());
    }

    /** The live code contexts, oldest first (default contexts once used). */
    List<CodeContext> listCodeContexts();

    /**
     * Deletes a code context and stops its interpreter.
     *
     * @throws SandboxException {@link ErrorCode#CONTEXT_NOT_FOUND}
     */
    void deleteCodeContext(String contextId);

    // ----- ports (see docs/preview-urls.md)

    /**
     * Exposes a port of the sandbox at a preview URL served by the engine's proxy (started on first
     * use). The URL carries an unguessable token: treat it as a secret. The service must listen on
     * {@code 0.0.0.0}. Exposing an exposed port again returns the same URL.
     *
     * <pre>{@code
     * sandbox.startProcess("python3 -m http.server 8000");
     * String url = sandbox.exposePort(8000, "web").exposedAt();
     * }</pre>
     *
     * @param port 1024 to 65535
     * @param name a friendly name, or null
     * @throws SandboxException {@link ErrorCode#NETWORK_DISABLED} for a sandbox with
     *     {@link NetworkMode#NONE}, {@link ErrorCode#INVALID_ARGUMENT} for a port out of range
     */
    ExposedPort exposePort(int port, String name);

    /** Exposes a port with no name. */
    default ExposedPort exposePort(int port) {
        return exposePort(port, null);
    }

    /**
     * Closes a port's preview URL.
     *
     * @throws SandboxException {@link ErrorCode#PORT_NOT_EXPOSED}
     */
    void unexposePort(int port);

    /** The exposed ports, in the order they were exposed. */
    List<ExposedPort> getExposedPorts();

    /** Removes the container, its files and processes and everything stored about the sandbox. Safe twice. */
    void destroy();

    /** Releases this handle without destroying the sandbox. Safe twice. */
    @Override
    void close();
}
