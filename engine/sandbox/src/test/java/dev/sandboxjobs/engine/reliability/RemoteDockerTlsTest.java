package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine on a "remote" Docker host: a private dockerd listening on {@code tcp://} with TLS and
 * client certificates (made by openssl for the test). Sandboxes run and are destroyed there, the
 * orphan reaper removes this engine's stray containers there, a preview URL reaches a service in a
 * sandbox there through a tunnel over Docker's exec API, and without the client certificate
 * the daemon is refused as a typed error.
 */
@RequiresDocker
@Tag("reliability")
class RemoteDockerTlsTest {
    static final String IMAGE = "sandbox-jobs/debian-base:trixie";

    @TempDir
    Path dir;

    @Test
    void anEngineUsesARemoteTlsDockerHostForSandboxesDestroyAndTheOrphanReaper() throws Exception {
        String reason = PrivateDockerd.unavailableReason();
        if (reason != null) {
            assertThat("true".equals(System.getenv("CI"))).as("CI=true: a private dockerd must run: " + reason).isFalse();
            Assumptions.abort("SKIPPED: a private dockerd cannot run here: " + reason);
        }
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path client = Files.createDirectories(dir.resolve("client"));
        makeCertificates(certs, client);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String host = "tcp://127.0.0.1:" + port;
        try (PrivateDockerd daemon = PrivateDockerd.startWithTls(certs, port)) {
            daemon.loadImage(IMAGE);
            try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dir.resolve("data")).dockerHost(host)
                    .dockerTls(client).image(IMAGE).maintenanceInterval(Duration.ofMinutes(5)).build()) {
                // no network: a proxied sandbox needs the engine on its Docker host (docs/network.md)
                Sandbox sb = engine.getSandbox("remote-tls", SandboxOptions.builder().network(NetworkMode.NONE).build());
                assertThat(sb.exec("echo over tls").stdout()).isEqualTo("over tls\n");
                List<String> mine = daemon.containers(Labels.ENGINE + "=" + engine.engineId());
                assertThat(mine).hasSize(1);

                // a preview URL of a service on the sandbox's loopback: the container IP is on the other host, so
                // the proxy tunnels through Docker's exec API over TLS (perl relays: the image has no python3)
                sb.startProcess("perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\","
                        + " LocalPort => 8000, Listen => 5, ReuseAddr => 1) or die; while ($c = $s->accept) {"
                        + " while (<$c>) { last if /^\\r?$/ } print $c \"HTTP/1.0 200 OK\\r\\nContent-Length: 11\\r\\n\\r\\nover tunnel\";"
                        + " close $c }'");
                ExposedPort preview = sb.exposePort(8000);
                assertThat(awaitBody(preview.exposedAt())).isEqualTo("over tunnel");

                // a container of this engine's that belongs to no sandbox: the reaper removes it there
                PrivateDockerd.Result stray = daemon.docker(List.of("create", "--label",
                        Labels.ENGINE + "=" + engine.engineId(), "--label",
                        Labels.SANDBOX + "=not-in-the-database", IMAGE, "true"), 60);
                assertThat(stray.exit()).as(stray.out()).isZero();
                assertThat(engine.reapOrphans()).isEqualTo(1);

                sb.destroy();
                assertThat(daemon.containers(Labels.ENGINE + "=" + engine.engineId())).isEmpty();
            }
            // the same daemon without the client certificate: refused, as a typed error
            assertThatThrownBy(() -> SandboxEngine.builder().dataDirectory(dir.resolve("data2")).dockerHost(host)
                    .image(IMAGE).build())
                    .isInstanceOfSatisfying(SandboxException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE));
        }
    }

    /** A CA, a server certificate for 127.0.0.1 and a client certificate, with openssl (argv only). */
    /** GETs a preview URL until the service answers 200 (it may still be starting); returns the body. */
    static String awaitBody(String url) throws Exception {
        URI uri = URI.create(url);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uri.getPort() + "/"))
                .header("Host", uri.getHost() + ":" + uri.getPort()).timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> last = null;
        for (int i = 0; i < 50; i++) {
            last = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (last.statusCode() == 200) {
                return last.body();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no 200 from " + url + ": " + last.statusCode() + " " + last.headers().map() + " " + last.body());
    }

    private static void makeCertificates(Path certs, Path client) throws Exception {
        run(certs, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out",
                "ca.pem", "-days", "1", "-subj", "/CN=sandbox-jobs-test-ca");
        Files.writeString(certs.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        run(certs, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out",
                "server.csr", "-subj", "/CN=127.0.0.1");
        run(certs, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", "server-cert.pem", "-days", "1", "-extfile", "server.ext");
        Files.writeString(certs.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        run(certs, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", client.resolve("key.pem").toString(),
                "-out", "client.csr", "-subj", "/CN=sandbox-jobs-test-client");
        run(certs, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", client.resolve("cert.pem").toString(), "-days", "1", "-extfile", "client.ext");
        Files.copy(certs.resolve("ca.pem"), client.resolve("ca.pem"));
    }

    private static void run(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
    }
}
