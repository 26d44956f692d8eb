package dev.sandboxjobs.engine.internal.s3;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.S3Bucket;
import dev.sandboxjobs.engine.SandboxException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The few S3 calls the engine makes (head bucket, put, get, list, delete), over the AWS SDK with
 * the JDK's HTTP connection, path-style addressing (what S3-compatible servers all accept) and
 * checksums only where the protocol requires them (not every compatible server knows the newer
 * ones). Keys are relative to the bucket's prefix. Every failure is a {@link ErrorCode#BUCKET_UNAVAILABLE}
 * naming the endpoint; credentials never appear in a message.
 */
public final class S3Access implements AutoCloseable {
    private final S3Bucket bucket;
    private final S3Client client;

    private S3Access(S3Bucket bucket, S3Client client) {
        this.bucket = bucket;
        this.client = client;
    }

    /** A client for the bucket; credentials are resolved now and kept only inside the SDK's signer. */
    public static S3Access open(S3Bucket bucket) {
        try {
            AwsCredentialsProvider credentials = bucket.accessKeyId() == null ? AnonymousCredentialsProvider.create()
                    : () -> AwsBasicCredentials.create(bucket.accessKeyId().reveal(), bucket.secretAccessKey().reveal());
            S3Client client = S3Client.builder()
                    .endpointOverride(URI.create(bucket.endpoint()))
                    .region(Region.of(bucket.region()))
                    .forcePathStyle(true)
                    .credentialsProvider(credentials)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)))
                    .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofMinutes(10)))
                    .build();
            return new S3Access(bucket, client);
        } catch (NoClassDefFoundError e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "S3-compatible buckets need the AWS SDK on the class"
                    + " path: add software.amazon.awssdk:s3 and software.amazon.awssdk:url-connection-client (see the"
                    + " README, \"Bucket mounts\").", e);
        }
    }

    /** Checks that the bucket answers and the credentials are accepted. */
    public void check() {
        run("reach the bucket", () -> client.headBucket(b -> b.bucket(bucket.name())));
    }

    public void put(String key, Path file) {
        run("upload " + key, () -> client.putObject(b -> b.bucket(bucket.name()).key(bucket.prefix() + key),
                RequestBody.fromFile(file)));
    }

    public void put(String key, byte[] content) {
        run("upload " + key, () -> client.putObject(b -> b.bucket(bucket.name()).key(bucket.prefix() + key),
                RequestBody.fromBytes(content)));
    }

    /** Uploads {@code size} bytes read from {@code content} (not closed). */
    public void put(String key, InputStream content, long size) {
        run("upload " + key, () -> client.putObject(b -> b.bucket(bucket.name()).key(bucket.prefix() + key),
                RequestBody.fromInputStream(content, size)));
    }

    /** The object's content, or empty when there is no such key; the caller closes the stream. */
    public Optional<InputStream> get(String key) {
        try {
            return Optional.of(run("download " + key, () -> client.getObject(b -> b.bucket(bucket.name())
                    .key(bucket.prefix() + key))));
        } catch (SandboxException e) {
            if (e.getCause() instanceof NoSuchKeyException
                    || (e.getCause() instanceof S3Exception s3 && s3.statusCode() == 404)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** An object under the prefix: its key relative to the prefix, and its size. */
    public record Entry(String key, long size) {}

    /** Every object whose key starts with {@code prefix + under}. */
    public List<Entry> list(String under) {
        List<Entry> all = new ArrayList<>();
        run("list " + bucket.prefix() + under, () -> {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket.name()).prefix(bucket.prefix() + under))
                    .contents()) {
                all.add(new Entry(o.key().substring(bucket.prefix().length()), o.size()));
            }
            return null;
        });
        return all;
    }

    public void delete(String key) {
        run("delete " + key, () -> client.deleteObject(b -> b.bucket(bucket.name()).key(bucket.prefix() + key)));
    }

    public S3Bucket bucket() {
        return bucket;
    }

    private <T> T run(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (S3Exception e) {
            String detail = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
            throw new SandboxException(ErrorCode.BUCKET_UNAVAILABLE, "Cannot " + what + " in " + bucket + ": " + detail
                    + hint(e.statusCode()), e);
        } catch (SdkException e) {
            throw new SandboxException(ErrorCode.BUCKET_UNAVAILABLE, "Cannot " + what + " in " + bucket
                    + ": the endpoint did not answer (" + rootMessage(e) + "). Check the endpoint URL and the network.", e);
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 403 -> ". Check the access key and its permissions on the bucket.";
            case 404 -> ". Check the bucket's name (it must exist already).";
            default -> ".";
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        client.close();
    }
}
