package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A sandbox's environment variables (stored) and secrets (never stored; resolved each time a
 * command starts), and the environment of a command built from them and its session's.
 */
final class SandboxEnvironment {
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String sandboxId;
    private final SandboxRepository repo;
    private final Map<String, String> env;
    private volatile Map<String, Secret> secrets;

    SandboxEnvironment(String sandboxId, SandboxRepository repo, Map<String, String> env, Map<String, Secret> secrets) {
        this.sandboxId = sandboxId;
        this.repo = repo;
        this.env = new LinkedHashMap<>(env);
        this.secrets = Map.copyOf(secrets);
    }

    void updateSecrets(Map<String, Secret> newSecrets) {
        if (!newSecrets.isEmpty()) {
            Map<String, Secret> merged = new LinkedHashMap<>(secrets);
            merged.putAll(newSecrets);
            secrets = Map.copyOf(merged);
        }
    }

    /** The sandbox's variables and secrets, the secrets resolved now. */
    Map<String, String> variables() {
        Map<String, String> merged = new LinkedHashMap<>();
        synchronized (env) {
            merged.putAll(env);
        }
        secrets.forEach((k, v) -> merged.put(k, v.reveal()));
        return merged;
    }

    /** The sandbox's variables and secrets (secrets resolved now), under a session's variables. */
    List<String> execEnv(Map<String, String> sessionEnv, Map<String, String> extra) {
        Map<String, String> merged = variables();
        merged.putAll(sessionEnv);
        merged.putAll(extra);
        List<String> list = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    /** Sets and stores sandbox-wide variables (the sessions are told by the caller). */
    void set(Map<String, String> vars) {
        validate(vars);
        synchronized (env) {
            env.putAll(vars);
            repo.updateEnv(sandboxId, Json.write(env));
        }
    }

    static void validate(Map<String, String> vars) {
        vars.forEach((k, v) -> {
            if (k == null || !ENV_NAME.matcher(k).matches()) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + k
                        + "' is not a valid environment variable name: use letters, digits and _, not starting with a digit.");
            }
            if (v == null || v.indexOf('\0') >= 0) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The value of " + k
                        + " is null or contains a NUL byte, which environment variables cannot hold.");
            }
        });
    }
}
