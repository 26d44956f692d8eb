package dev.sandboxjobs.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * Where the engine's preview-URL proxy listens. The proxy is off until the first port is
 * exposed. Preview URLs have the form {@code http://{port}-{sandboxId}-{token}.{hostSuffix}:{port}/};
 * browsers resolve {@code *.localhost} to the loopback address by themselves.
 *
 * <pre>{@code
 * PreviewOptions.defaults();                       // 127.0.0.1, a free port, *.localhost
 * new PreviewOptions("0.0.0.0", 8123, "preview.example.test"); // behind a wildcard DNS name
 * }</pre>
 *
 * @param bindAddress the address to listen on (default {@code 127.0.0.1}: only this machine)
 * @param port the port to listen on; 0 picks a free one at start (URLs then change when the
 *     engine restarts; set a port for stable URLs)
 * @param hostSuffix the domain that preview host names end with (default {@code localhost})
 * @param upstream how the proxy reaches a sandbox's port (default {@link Upstream#AUTO}); set with
 *     {@link SandboxEngine.Builder#previewUpstream}
 */
public record PreviewOptions(String bindAddress, int port, String hostSuffix, Upstream upstream) {
    /**
     * How the proxy reaches the service in a sandbox.
     *
     * <pre>{@code
     * SandboxEngine.builder().dockerHost("tcp://build-host:2376").dockerTls(certs)
     *         .previewUpstream(PreviewOptions.Upstream.DOCKER_EXEC).build();
     * }</pre>
     */
    public enum Upstream {
        /**
         * {@link #CONTAINER_IP} when Docker is on this machine's Unix socket and the container's
         * IP answers from here; {@link #DOCKER_EXEC} otherwise (a {@code tcp://} host, Docker
         * Desktop, whose container IPs are not routable from the host). The default.
         */
        AUTO,
        /** A TCP connection to the container's IP on its Docker network: fastest, local Docker on Linux only. */
        CONTAINER_IP,
        /**
         * A tunnel through Docker's exec API: each proxied connection is an exec in the sandbox
         * relaying to {@code 127.0.0.1:port} (with python3, perl or bash from the image). Works
         * wherever the engine reaches Docker's API, including remote hosts; services listening on
         * the container's loopback only are reachable too.
         */
        DOCKER_EXEC
    }

    public PreviewOptions {
        upstream = upstream == null ? Upstream.AUTO : upstream;
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "127.0.0.1" : bindAddress;
        hostSuffix = hostSuffix == null || hostSuffix.isBlank() ? "localhost" : hostSuffix.toLowerCase(Locale.ROOT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        Objects.requireNonNull(bindAddress);
    }

    /** Where to listen, with the {@link Upstream#AUTO} upstream. */
    public PreviewOptions(String bindAddress, int port, String hostSuffix) {
        this(bindAddress, port, hostSuffix, Upstream.AUTO);
    }

    /** Loopback only, a free port, {@code *.localhost} host names. */
    public static PreviewOptions defaults() {
        return new PreviewOptions(null, 0, null);
    }

    /** These options with another upstream. */
    public PreviewOptions withUpstream(Upstream value) {
        return new PreviewOptions(bindAddress, port, hostSuffix, value);
    }
}
