package dev.sandboxjobs.engine;

import java.time.Duration;

/**
 * How to take a snapshot ({@link Sandbox#snapshot(SnapshotOptions)}).
 *
 * @param name a human-readable name (at most 256 characters, no control characters), or null
 * @param ttl how long the engine keeps it (default {@link #DEFAULT_TTL}); sandboxes started from it
 *     keep working after it is deleted
 */
public record SnapshotOptions(String name, Duration ttl) {
    /** Seven days. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    public static final SnapshotOptions DEFAULT = new SnapshotOptions(null, null);

    public SnapshotOptions {
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        if (name != null && (name.length() > 256 || name.chars().anyMatch(Character::isISOControl))) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A snapshot name has at most 256 characters and no"
                    + " control characters.");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A snapshot's ttl must be positive, not " + ttl + ".");
        }
    }

    public static SnapshotOptions named(String name) {
        return new SnapshotOptions(name, null);
    }

    public SnapshotOptions withTtl(Duration value) {
        return new SnapshotOptions(name, value);
    }
}
