package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.S3Bucket;
import dev.sandboxjobs.engine.Secret;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: Adobe's S3Mock (copied from Maven Central into
 * {@code target/s3mock/s3mock.jar} by the build), started once per JVM as its own process on a free
 * loopback port and stopped when the JVM exits. It takes any credentials.
 *
 * <pre>{@code
 * S3MockServer s3 = S3MockServer.get();
 * s3.createBucket("data");
 * S3Bucket bucket = s3.bucket("data");
 * }</pre>
 */
public final class S3MockServer {
    private static S3MockServer instance;
    private final Process process;
    private final int port;
    private final S3Client client;

    private S3MockServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The server, started on first use (S3Mock takes 10 to 40 s to start on a loaded machine). */
    public static synchronized S3MockServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static S3MockServer start() {
        Path jar = Path.of("target", "s3mock", "s3mock.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it (mvn test-compile in engine/)");
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Path log = Files.createTempFile("s3mock-", ".log");
            Process p = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx384m", "-jar", jar.toString(),
                    "--server.port=0", "--server.address=127.0.0.1", "--com.adobe.testing.s3mock.httpPort=" + port,
                    "--logging.level.root=WARN"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
                }
                if (answers(port)) {
                    return new S3MockServer(p, port);
                }
                Thread.sleep(250);
            }
            p.destroyForcibly();
            throw new IllegalStateException("S3Mock did not answer within 3 minutes: " + Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean answers(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode();
            c.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** A test's own client of the server. */
    public S3Client client() {
        return client;
    }

    public void createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** The bucket as the engine's API describes it, with test credentials. */
    public S3Bucket bucket(String name) {
        return S3Bucket.of(endpoint(), name).credentials(Secret.of("test-key"), Secret.of("test-secret"));
    }

    public boolean isAlive() {
        return process.isAlive();
    }
}
