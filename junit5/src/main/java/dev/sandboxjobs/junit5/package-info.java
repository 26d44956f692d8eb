/**
 * A JUnit 5 extension for your own tests: {@link dev.sandboxjobs.junit5.SandboxTest @SandboxTest}
 * injects a {@link dev.sandboxjobs.engine.Sandbox} (a fresh one per test method, or one per class)
 * and destroys it after the test, whether the test passed or failed.
 *
 * <pre>{@code
 * @SandboxTest
 * class PythonScriptTest {
 *     @Test
 *     void printsTheSum(Sandbox sandbox) {
 *         sandbox.writeFile("/workspace/sum.py", "print(2 + 2)");
 *         assertEquals("4", sandbox.exec("python3 /workspace/sum.py").stdout().trim());
 *     }
 * }
 * }</pre>
 *
 * <p>Configuration parameters (in {@code junit-platform.properties}, or as system properties):
 * {@code sandboxjobs.image} (the default image, else {@code SandboxEngine.defaultImage()}),
 * {@code sandboxjobs.docker-host} (else {@code DOCKER_HOST}, else the local socket) and
 * {@code sandboxjobs.data-dir} (the engine's database; by default a temporary directory per test run,
 * deleted at its end).
 */
package dev.sandboxjobs.junit5;
