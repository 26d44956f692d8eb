package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.net.URI;
import java.time.Duration;

/**
 * Creates docker-java clients on the httpclient5 transport with the API version negotiated from
 * the daemon's {@code GET /version}, never pinned: Docker 29 refuses API versions below 1.44 and
 * Docker 24 refuses 1.44, so a fixed version cannot work everywhere.
 */
public final class DockerClients {
    /** Where Docker listens when {@code DOCKER_HOST} is not set. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private DockerClients() {}

    /** A connected client and what the daemon said about itself. */
    public record Connected(DockerClient client, String host, String serverVersion, String apiVersion) {}

    /**
     * Connects to {@code host} (a {@code unix://} or {@code tcp://} URI), negotiating the API
     * version. Throws whatever the transport throws when the daemon does not answer; callers
     * turn that into their own typed error.
     */
    public static Connected connect(String host) {
        String target = host == null || host.isBlank() ? DEFAULT_HOST : host;
        Version version;
        try (DockerClient probe = build(target, null)) {
            version = probe.versionCmd().exec();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        DockerClient client = build(target, version.getApiVersion());
        return new Connected(client, target, version.getVersion(), version.getApiVersion());
    }

    /** Resolves the host the way the docker CLI does: the given one, else DOCKER_HOST, else the default socket. */
    public static String resolveHost(String explicit, String dockerHostEnv) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        if (dockerHostEnv != null && !dockerHostEnv.isBlank()) {
            return dockerHostEnv;
        }
        return DEFAULT_HOST;
    }

    private static DockerClient build(String host, String apiVersion) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withDockerTlsVerify(false);
        if (apiVersion != null) {
            config.withApiVersion(RemoteApiVersion.parseConfig(apiVersion));
        }
        DefaultDockerClientConfig cfg = config.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .maxConnections(256)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(cfg, http);
    }
}
