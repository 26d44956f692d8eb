package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.Secret;

/**
 * Turns the secret names a {@link SandboxSpec} declares into secrets, where the engine is
 * configured. The spec (stored with the run) holds names only; the values are looked up each time
 * a command starts in the run's sandbox and are written nowhere.
 *
 * <pre>{@code
 * SandboxEngine engine = SandboxEngine.builder()
 *         .secretResolver(name -> Secret.from(() -> vault.read("ci/" + name)))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface SecretResolver {
    /** The secret named {@code name}; its value may be resolved later, when it is used. */
    Secret resolve(String name);

    /** The default: each name is an environment variable of the engine's process. */
    static SecretResolver fromEnvironment() {
        return Secret::fromEnv;
    }
}
