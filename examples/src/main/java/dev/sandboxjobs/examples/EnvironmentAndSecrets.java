package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecutionSession;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.SessionOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The seed's "Environment variables" guide: variables at every level (engine defaults, sandbox,
 * setEnvVars, session, command) with their precedence, and a secret that reaches the command but
 * is never printed or stored.
 */
public final class EnvironmentAndSecrets {
    private EnvironmentAndSecrets() {}

    public static void main(String[] args) {
        Path dataDir = SandboxEngine.defaultDataDirectory(System.getenv());
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dataDir).defaults(defaults()).build()) {
            run(engine, System.out);
        }
    }

    /** What the engine gives every sandbox (the CoreWeave seed's session-level defaults). */
    public static SandboxDefaults defaults() {
        return SandboxDefaults.builder().env("LOG_LEVEL", "info").env("PROJECT_ID", "my-project").build();
    }

    /** Runs the example on an engine built with {@link #defaults()}; returns the command's view of the variables. */
    public static String run(SandboxEngine engine, PrintStream out) {
        Secret apiKey = Secret.of("sk-example-not-a-real-key");
        try (Sandbox sandbox = engine.getSandbox("environment", SandboxOptions.builder()
                .env("LOG_LEVEL", "debug")                      // overrides the engine's default
                .secret("API_KEY", apiKey)                      // resolved per command, never stored
                .build())) {
            try {
                sandbox.setEnvVars(Map.of("DATABASE_URL", "postgres://db/app"));
                ExecutionSession worker = sandbox.createSession(SessionOptions.builder().id("worker")
                        .env("ROLE", "worker").build());
                String seen = worker.exec("echo \"$PROJECT_ID $LOG_LEVEL $DATABASE_URL $ROLE $MODE key-length=${#API_KEY}\"",
                        ExecOptions.builder().env("MODE", "batch").build()).stdout().trim();
                out.println("the command sees: " + seen);
                out.println("command beats session: " + worker.exec("echo $ROLE",
                        ExecOptions.builder().env("ROLE", "override").build()).stdout().trim());
                out.println("the secret prints as " + apiKey);
                return seen;
            } finally {
                sandbox.destroy();
            }
        }
    }
}
