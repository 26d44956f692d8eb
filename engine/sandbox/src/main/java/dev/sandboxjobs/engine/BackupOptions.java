package dev.sandboxjobs.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to make a directory backup ({@link SandboxOperations#createBackup(String, BackupOptions)}).
 *
 * <pre>{@code
 * sandbox.createBackup("/workspace/app", BackupOptions.builder()
 *         .name("before the upgrade").exclude("node_modules", "*.log").gitignore(true)
 *         .ttl(Duration.ofDays(7)).build());
 * }</pre>
 *
 * @param name a human-readable name (at most 256 characters, no control characters), or null
 * @param excludes glob patterns of paths left out: a pattern without {@code /} matches a name at
 *     any depth ({@code node_modules}, {@code *.log}), one with {@code /} the path relative to the
 *     directory ({@code build/**}); a matching directory is left out with everything under it
 * @param gitignore whether paths that git ignores in the directory's repository are left out too
 *     (nothing is when the directory is in no repository, or the image has no git)
 * @param ttl how long the backup is kept (default {@link #DEFAULT_TTL}); then the engine deletes it
 */
public record BackupOptions(String name, List<String> excludes, boolean gitignore, Duration ttl) {
    /** Three days, as in the seed. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(3);
    /** The longest name accepted. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Everything in the directory, kept three days. */
    public static final BackupOptions DEFAULT = builder().build();

    public BackupOptions {
        excludes = List.copyOf(excludes == null ? List.of() : excludes);
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        if (name != null && (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl))) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A backup name has at most " + MAX_NAME_LENGTH
                    + " characters and no control characters.");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A backup's ttl must be positive, not " + ttl + ".");
        }
        for (String p : excludes) {
            if (p == null || p.isBlank() || p.indexOf('\0') >= 0) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "An exclude pattern is empty or holds a NUL byte;"
                        + " use globs such as node_modules or build/**.");
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link BackupOptions}. */
    public static final class Builder {
        private String name;
        private final List<String> excludes = new ArrayList<>();
        private boolean gitignore;
        private Duration ttl;

        private Builder() {}

        public Builder name(String value) { name = value; return this; }
        public Builder exclude(String... patterns) { excludes.addAll(List.of(patterns)); return this; }
        public Builder excludes(List<String> patterns) { excludes.addAll(patterns); return this; }
        public Builder gitignore(boolean value) { gitignore = value; return this; }
        public Builder ttl(Duration value) { ttl = value; return this; }

        public BackupOptions build() {
            return new BackupOptions(name, excludes, gitignore, ttl);
        }
    }
}
