package dev.sandboxjobs.engine;

/**
 * A named session of a sandbox: its own shell, with its own working directory and environment,
 * sharing the sandbox's files and processes. Calls within a session run one at a time; different
 * sessions run in parallel.
 *
 * <pre>{@code
 * ExecutionSession test = sandbox.createSession(SessionOptions.builder()
 *         .id("test").env("NODE_ENV", "test").cwd("/workspace/app").build());
 * test.exec("npm test");
 * }</pre>
 */
public interface ExecutionSession extends SandboxOperations {
    /** The session's id. */
    String id();

    /** The id of the sandbox it belongs to. */
    String sandboxId();
}
