/**
 * The sandbox SDK (artifact {@code sandbox-jobs-sandbox}): disposable Docker sandboxes with the
 * Cloudflare Sandbox SDK's API — commands ({@code exec}, {@code execStream}), background
 * processes, files, git, sessions, environment and secrets, the code interpreter
 * ({@link dev.sandboxjobs.engine.interpreter}) and preview URLs — with their state in the embedded
 * database, so that a sandbox is found again by id. {@link dev.sandboxjobs.engine.SandboxEngine}
 * is the front; errors are {@link dev.sandboxjobs.engine.SandboxException}s with an
 * {@link dev.sandboxjobs.engine.ErrorCode}; container labels are in {@link dev.sandboxjobs.engine.Labels}.
 *
 * <pre>{@code
 * try (SandboxEngine engine = SandboxEngine.create()) {
 *     Sandbox sandbox = engine.getSandbox("my-sandbox");
 *     sandbox.writeFile("/workspace/hello.py", "print('hello')");
 *     ExecResult r = sandbox.exec("python3 /workspace/hello.py");
 *     System.out.println(r.stdout());
 * }
 * }</pre>
 *
 * <p>Durable jobs over these sandboxes are the job engine's ({@code dev.sandboxjobs.engine.workflow},
 * artifact {@code sandbox-jobs-workflow}), which uses this package's public API only.
 */
package dev.sandboxjobs.engine;
