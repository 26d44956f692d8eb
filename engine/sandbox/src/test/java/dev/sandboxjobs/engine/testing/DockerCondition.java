package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.internal.docker.DockerClients;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** See {@link RequiresDocker}. The probe runs once per JVM. */
public final class DockerCondition implements ExecutionCondition {
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String reason = probe();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but Docker is not available (" + reason
                    + "); Docker-backed tests must not be skipped in CI. Run ./sandbox-jobs setup first.");
        }
        String message = "SKIPPING Docker-backed tests in " + context.getDisplayName()
                + ": Docker is not available (" + reason + "). Run ./sandbox-jobs setup to install and start it.";
        System.err.println("!!!!! " + message);
        return ConditionEvaluationResult.disabled(message);
    }

    /** Why Docker is unavailable, or null when it answers (probed once per JVM). */
    public static String unavailableReason() {
        return probe();
    }

    private static synchronized String probe() {
        if (!probed) {
            probed = true;
            String host = DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"));
            try (var connected = DockerClients.connect(host).client()) {
                connected.pingCmd().exec();
                unavailableReason = null;
            } catch (Exception e) {
                unavailableReason = "no answer from " + host + ": " + e.getMessage();
            }
        }
        return unavailableReason;
    }
}
