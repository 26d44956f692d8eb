package dev.sandboxjobs.engine;

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
 */
public record PreviewOptions(String bindAddress, int port, String hostSuffix) {
    public PreviewOptions {
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "127.0.0.1" : bindAddress;
        hostSuffix = hostSuffix == null || hostSuffix.isBlank() ? "localhost" : hostSuffix.toLowerCase(java.util.Locale.ROOT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        Objects.requireNonNull(bindAddress);
    }

    /** Loopback only, a free port, {@code *.localhost} host names. */
    public static PreviewOptions defaults() {
        return new PreviewOptions(null, 0, null);
    }
}
