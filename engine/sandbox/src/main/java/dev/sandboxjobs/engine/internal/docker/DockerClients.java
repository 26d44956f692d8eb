package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
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
        return connect(host, null);
    }

    /**
     * {@link #connect(String)} to a {@code tcp://} daemon with TLS: {@code tlsCertDir} holds the
     * client's {@code ca.pem}, {@code cert.pem} and {@code key.pem}, as for the docker CLI's
     * {@code DOCKER_CERT_PATH}; null connects without TLS.
     */
    public static Connected connect(String host, Path tlsCertDir) {
        String target = host == null || host.isBlank() ? DEFAULT_HOST : host;
        Version version;
        try (DockerClient probe = build(target, null, tlsCertDir)) {
            version = probe.versionCmd().exec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DockerClient client = build(target, version.getApiVersion(), tlsCertDir);
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

    /**
     * The TLS directory the docker CLI would use for {@code host}: {@code DOCKER_CERT_PATH} (else
     * {@code ~/.docker}) when {@code DOCKER_TLS_VERIFY} is set and the host is {@code tcp://};
     * null otherwise. The environment is passed in by the caller.
     */
    public static Path resolveTlsCertDir(Path explicit, String host, java.util.Map<String, String> env) {
        if (explicit != null) {
            return explicit;
        }
        String verify = env.get("DOCKER_TLS_VERIFY");
        if (host == null || !host.startsWith("tcp://") || verify == null || verify.isBlank() || verify.equals("0")) {
            return null;
        }
        String dir = env.get("DOCKER_CERT_PATH");
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
    }

    private static DockerClient build(String host, String apiVersion, Path tlsCertDir) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withDockerTlsVerify(tlsCertDir != null);
        if (tlsCertDir != null) {
            config.withDockerCertPath(tlsCertDir.toString());
        }
        // The probe asks GET /version with no version in the path. It must say so: otherwise
        // docker-java takes api.version from any docker-java.properties on the classpath
        // (spring-boot-test 3.5 ships one with 1.44, which Docker 20-24 refuses).
        config.withApiVersion(apiVersion != null ? RemoteApiVersion.parseConfig(apiVersion) : RemoteApiVersion.UNKNOWN_VERSION);
        DefaultDockerClientConfig cfg = config.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .sslConfig(tlsCertDir == null ? null : new LocalDirectorySSLConfig(tlsCertDir.toString()))
                .maxConnections(256)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(cfg, http);
    }
}
