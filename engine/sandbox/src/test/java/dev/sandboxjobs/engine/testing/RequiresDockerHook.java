package dev.sandboxjobs.engine.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * {@link RequiresDocker} for jqwik properties ({@code @AddLifecycleHook(RequiresDockerHook.class)}
 * on the container): skips loudly without Docker locally, fails under {@code CI=true}.
 */
public final class RequiresDockerHook implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String reason = DockerCondition.unavailableReason();
        if (reason == null) {
            return SkipResult.doNotSkip();
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but Docker is not available (" + reason
                    + "); Docker-backed tests must not be skipped in CI. Run ./sandbox-jobs setup first.");
        }
        String message = "SKIPPING Docker-backed properties in " + context.label() + ": Docker is not available ("
                + reason + "). Run ./sandbox-jobs setup to install and start it.";
        System.err.println("!!!!! " + message);
        return SkipResult.skip(message);
    }
}
