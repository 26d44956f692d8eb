package dev.sandboxjobs.engine;

import java.util.Objects;

/**
 * How to mount an S3-compatible bucket ({@link SandboxOperations#mountBucket}), named as in the
 * seed: {@code endpoint}, {@code credentials}, {@code prefix}, {@code readOnly}.
 *
 * <pre>{@code
 * MountBucketOptions.builder()
 *         .endpoint("https://ACCOUNT.r2.cloudflarestorage.com").region("auto")
 *         .credentials(Secret.fromEnv("R2_ACCESS_KEY_ID"), Secret.fromEnv("R2_SECRET_ACCESS_KEY"))
 *         .prefix("users/user-123/").readOnly(true)
 *         .build();
 * }</pre>
 *
 * @param endpoint the S3 endpoint URL
 * @param region the signing region (default {@code us-east-1}; {@code auto} for R2)
 * @param accessKeyId the access key id, or null for a public bucket
 * @param secretAccessKey the secret access key, or null for a public bucket
 * @param prefix mount only the keys under this prefix ("" for the whole bucket)
 * @param readOnly nothing is ever written back to the bucket; the files are read-only for a
 *     sandbox user other than root
 * @param maxBytes the most the mount may copy from the bucket (default {@value #DEFAULT_MAX_BYTES}
 *     bytes); a bigger bucket or prefix is refused with {@link ErrorCode#INVALID_ARGUMENT}
 */
public record MountBucketOptions(String endpoint, String region, Secret accessKeyId, Secret secretAccessKey,
                                 String prefix, boolean readOnly, long maxBytes) {
    /** 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    public MountBucketOptions {
        if (endpoint == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A bucket mount needs the bucket's endpoint URL"
                    + " (MountBucketOptions.builder().endpoint(\"https://...\")).");
        }
        if (maxBytes <= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "maxBytes must be positive, not " + maxBytes + ".");
        }
        prefix = S3Bucket.normalizePrefix(prefix);
    }

    /** The bucket named {@code bucket} as these options describe it (checked: endpoint, name, credentials). */
    public S3Bucket bucket(String bucket) {
        S3Bucket b = S3Bucket.of(endpoint, Objects.requireNonNull(bucket, "bucket")).prefix(prefix).region(region);
        return accessKeyId == null ? b : b.credentials(accessKeyId, secretAccessKey);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link MountBucketOptions}. */
    public static final class Builder {
        private String endpoint;
        private String region;
        private Secret accessKeyId;
        private Secret secretAccessKey;
        private String prefix;
        private boolean readOnly;
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder() {}

        public Builder endpoint(String value) { endpoint = value; return this; }
        public Builder region(String value) { region = value; return this; }
        /** The bucket's credentials, resolved when requests are signed; they never enter the sandbox. */
        public Builder credentials(Secret accessKey, Secret secretKey) { accessKeyId = accessKey; secretAccessKey = secretKey; return this; }
        public Builder prefix(String value) { prefix = value; return this; }
        public Builder readOnly(boolean value) { readOnly = value; return this; }
        public Builder maxBytes(long value) { maxBytes = value; return this; }

        public MountBucketOptions build() {
            return new MountBucketOptions(endpoint, region, accessKeyId, secretAccessKey, prefix, readOnly, maxBytes);
        }
    }
}
