package dev.sandboxjobs.engine;

/**
 * A mounted bucket ({@link SandboxOperations#listBucketMounts}).
 *
 * @param bucket the bucket's name
 * @param mountPath where its objects appear in the sandbox
 * @param prefix the key prefix mounted ("" for the whole bucket)
 * @param readOnly whether changes stay local
 * @param active whether changes are still synchronized (false once the sandbox slept or restarted,
 *     which ends the engine's watch on the directory; mount it again)
 */
public record BucketMount(String bucket, String mountPath, String prefix, boolean readOnly, boolean active) {}
