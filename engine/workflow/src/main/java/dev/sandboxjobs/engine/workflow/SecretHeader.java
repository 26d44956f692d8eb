package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.egress.HeaderInjection;
import java.util.Objects;

/**
 * A header the engine's egress proxy adds to a run's requests to one host, with the value of a
 * secret given by name: the job's {@link SandboxSpec} is stored with its run, so it names the secret
 * and the job engine's {@link SecretResolver} gives its value when the run's sandbox is made (and
 * again when a restarted engine re-attaches it). The value never enters the sandbox, the database,
 * the logs or the reports. The counterpart, for a sandbox made from code, of
 * {@link HeaderInjection}.
 *
 * <pre>{@code
 * SandboxSpec.defaults()
 *         .withEgress(EgressPolicy.allow("registry.example.com"))
 *         .withSecretHeader(SecretHeader.bearer("registry.example.com", "REGISTRY_TOKEN"));
 * }</pre>
 *
 * @param host   the exact host name, or {@code *.example.com} for its subdomains
 * @param header the header's name
 * @param secret the name of the secret whose value the header carries
 * @param prefix text put before the secret's value ({@code "Bearer "}), or empty
 */
public record SecretHeader(String host, String header, String secret, String prefix) {
    public SecretHeader {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("A secret header names the secret that holds its value (for example"
                    + " REGISTRY_TOKEN), not '" + secret + "'");
        }
        prefix = prefix == null ? "" : prefix;
        // the same checks as the SDK's: a host name without port or path, an injectable header name
        new HeaderInjection(host, header, Secret.of(""));
    }

    /** {@code Authorization: Bearer <value of secret>} for {@code host}. */
    public static SecretHeader bearer(String host, String secret) {
        return new SecretHeader(host, "Authorization", secret, "Bearer ");
    }

    /** {@code <header>: <value of secret>} for {@code host}. */
    public static SecretHeader of(String host, String header, String secret) {
        return new SecretHeader(host, header, secret, "");
    }

    /** The SDK's injection, with the secret's value resolved by {@code resolver} when a request needs it. */
    HeaderInjection resolve(SecretResolver resolver) {
        Objects.requireNonNull(resolver, "resolver");
        Secret value = resolver.resolve(secret);
        return new HeaderInjection(host, header, prefix.isEmpty() ? value : Secret.from(() -> prefix + value.reveal()));
    }

    /** The host, header and secret's name; never a value. */
    @Override
    public String toString() {
        return header + " for " + host + " from secret " + secret;
    }
}
