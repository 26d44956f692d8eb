package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * An S3-compatible bucket the engine talks to (Amazon S3, Cloudflare R2, MinIO, ...): for backup
 * storage ({@link BackupStorage#s3}) and as the target of {@link MountBucketOptions}. Credentials
 * are {@link Secret}s, resolved when a request is signed and never stored or sent to a sandbox.
 *
 * <pre>{@code
 * S3Bucket.of("https://ACCOUNT.r2.cloudflarestorage.com", "datasets")
 *         .credentials(Secret.fromEnv("AWS_ACCESS_KEY_ID"), Secret.fromEnv("AWS_SECRET_ACCESS_KEY"))
 *         .region("auto").prefix("team-a/");
 * }</pre>
 *
 * @param endpoint the endpoint URL ({@code https://...}, or {@code http://} for a local server)
 * @param name the bucket's name
 * @param prefix a key prefix under which everything is kept ("" for the whole bucket)
 * @param region the signing region (default {@code us-east-1}; {@code auto} for R2)
 * @param accessKeyId the access key id, or null for a public bucket
 * @param secretAccessKey the secret access key, or null for a public bucket
 */
public record S3Bucket(String endpoint, String name, String prefix, String region, Secret accessKeyId,
                       Secret secretAccessKey) {
    public S3Bucket {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(name, "name");
        if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "An S3 endpoint is an http:// or https:// URL, not '"
                    + endpoint + "'.");
        }
        if (name.isBlank() || !name.matches("[a-zA-Z0-9._-]{1,255}")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a bucket name: use letters,"
                    + " digits, '.', '-' and '_'.");
        }
        prefix = normalizePrefix(prefix);
        region = region == null || region.isBlank() ? "us-east-1" : region;
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Give both the access key id and the secret access"
                    + " key, or neither for a public bucket.");
        }
    }

    /** The bucket {@code name} at {@code endpoint}, whole, without credentials, in us-east-1. */
    public static S3Bucket of(String endpoint, String name) {
        return new S3Bucket(endpoint, name, "", null, null, null);
    }

    public S3Bucket credentials(Secret accessKeyId, Secret secretAccessKey) {
        return new S3Bucket(endpoint, name, prefix, region, Objects.requireNonNull(accessKeyId, "accessKeyId"),
                Objects.requireNonNull(secretAccessKey, "secretAccessKey"));
    }

    public S3Bucket prefix(String value) {
        return new S3Bucket(endpoint, name, value, region, accessKeyId, secretAccessKey);
    }

    public S3Bucket region(String value) {
        return new S3Bucket(endpoint, name, prefix, value, accessKeyId, secretAccessKey);
    }

    /** "a/b" and "/a/b/" both become "a/b/"; "" or "/" the whole bucket. */
    static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.indexOf('\0') >= 0 || p.contains("..")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A bucket prefix must not hold NUL or '..': '" + prefix + "'.");
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    @Override
    public String toString() {
        return "S3Bucket[" + endpoint + "/" + name + (prefix.isEmpty() ? "" : "/" + prefix) + "]";
    }
}
