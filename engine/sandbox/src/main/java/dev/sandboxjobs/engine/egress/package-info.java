/**
 * Network isolation of sandboxes: the {@link dev.sandboxjobs.engine.egress.EgressPolicy} a sandbox
 * is created with (no network, an allowlist, or the open internet; never the Docker host, private
 * ranges or other sandboxes unless named), headers injected on the way out so that secrets never
 * enter a sandbox ({@link dev.sandboxjobs.engine.egress.HeaderInjection}), and the log of what
 * each sandbox tried ({@link dev.sandboxjobs.engine.egress.EgressEvent}).
 *
 * <pre>{@code
 * Sandbox sb = engine.getSandbox("agent", SandboxOptions.builder()
 *         .egress(EgressPolicy.builder()
 *                 .allow("registry.npmjs.org", "api.example.com")
 *                 .inject(HeaderInjection.bearer("api.example.com", Secret.fromEnv("API_TOKEN")))
 *                 .build())
 *         .build());
 * sb.egressLog().forEach(e -> System.out.println(e.target() + " " + (e.allowed() ? "allowed" : "denied")));
 * }</pre>
 *
 * <p>How it is enforced, and what it costs, is in {@code docs/network.md}.
 */
package dev.sandboxjobs.engine.egress;
