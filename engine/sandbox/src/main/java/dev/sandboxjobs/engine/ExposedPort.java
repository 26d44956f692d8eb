package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * A port of a sandbox reachable through a preview URL.
 *
 * <pre>{@code
 * sandbox.startProcess("python3 -m http.server 8000");
 * ExposedPort web = sandbox.exposePort(8000, "web");
 * System.out.println(web.exposedAt()); // http://8000-my-sandbox-k3x...q7.localhost:8123/
 * }</pre>
 *
 * <p>Unlike the seed's, a preview URL is not public: it carries an unguessable token, and a
 * request without the right one gets 404. Treat the URL as a secret.
 *
 * @param port the port inside the sandbox
 * @param exposedAt the preview URL
 * @param name the friendly name given when the port was exposed, or null
 */
public record ExposedPort(int port, String exposedAt, String name) {
    public ExposedPort {
        Objects.requireNonNull(exposedAt, "exposedAt");
    }
}
