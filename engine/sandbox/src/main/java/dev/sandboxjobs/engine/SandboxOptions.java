package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one sandbox differs from the engine's {@link SandboxDefaults}. Every {@code null} field
 * takes the default; maps are merged over the defaults' maps.
 *
 * <pre>{@code
 * Sandbox sandbox = engine.getSandbox("build-42", SandboxOptions.builder()
 *         .env("NODE_ENV", "test")
 *         .secret("NPM_TOKEN", Secret.fromEnv("NPM_TOKEN"))
 *         .label("run", "42")
 *         .network(NetworkMode.NONE)
 *         .volume("npm-cache", "/cache/npm")
 *         .build());
 * }</pre>
 *
 * <p>Options apply when the sandbox is created. Getting an existing sandbox again keeps its
 * container settings; only secrets, which are never stored, are taken from the options each time.
 */
public record SandboxOptions(
        String image,
        Map<String, String> env,
        Map<String, Secret> secrets,
        Map<String, String> labels,
        Long memoryBytes,
        Double cpus,
        Long pidsLimit,
        NetworkMode network,
        Duration sleepAfter,
        Boolean keepAlive,
        Duration maxLifetime,
        List<VolumeMount> volumes,
        Long diskBytes,
        Set<CodeLanguage> prewarmInterpreters,
        EgressPolicy egress,
        String user) {

    /** The smallest memory limit Docker accepts (6 MiB). */
    public static final long MIN_MEMORY_BYTES = 6L << 20;
    /** The largest memory limit accepted (1 TiB); more is a mistake, not a limit. */
    public static final long MAX_MEMORY_BYTES = 1L << 40;
    /** The smallest disk limit accepted (1 MiB). */
    public static final long MIN_DISK_BYTES = 1L << 20;
    /** The largest number of CPUs accepted. */
    public static final double MAX_CPUS = 1024;

    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}(:[a-z_][a-z0-9_-]{0,31})?|\\d{1,9}(:\\d{1,9})?");

    /** No overrides: everything from the defaults. */
    public static final SandboxOptions DEFAULT = builder().build();

    public SandboxOptions {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        prewarmInterpreters = prewarmInterpreters == null ? null : Set.copyOf(prewarmInterpreters);
        if (memoryBytes != null && (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > MAX_MEMORY_BYTES)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "memoryBytes must be between " + MIN_MEMORY_BYTES
                    + " (6 MiB) and " + MAX_MEMORY_BYTES + " (1 TiB), not " + memoryBytes + ".");
        }
        if (cpus != null && !(cpus > 0 && cpus <= MAX_CPUS)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "cpus must be a positive number of CPUs up to "
                    + MAX_CPUS + ", not " + cpus + ".");
        }
        if (pidsLimit != null && pidsLimit <= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "pidsLimit must be positive, not " + pidsLimit + ".");
        }
        if (sleepAfter != null && (sleepAfter.isNegative() || sleepAfter.isZero())) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "sleepAfter must be positive, not " + sleepAfter + ".");
        }
        if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "maxLifetime must be positive, not " + maxLifetime + ".");
        }
        if (diskBytes != null && (diskBytes < MIN_DISK_BYTES || diskBytes > MAX_MEMORY_BYTES * 16)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "diskBytes must be between " + MIN_DISK_BYTES
                    + " (1 MiB) and 16 TiB, not " + diskBytes + ".");
        }
        if (egress != null && network != null && egress.proxied() != (network == NetworkMode.BRIDGE)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "network(" + network + ") contradicts egress("
                    + egress.describe() + "); give only egress.");
        }
        if (user != null && !USER.matcher(user).matches()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "user must be a name or uid, optionally with :group"
                    + " (sandbox, root, 1000:1000), not '" + user + "'.");
        }
        if (volumes.stream().map(VolumeMount::containerPath).distinct().count() < volumes.size()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Two volumes are mounted at the same path: " + volumes);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive others from them. */
    public Builder toBuilder() {
        Builder b = new Builder().env(env).secrets(secrets).labels(labels);
        b.image = image;
        b.memoryBytes = memoryBytes;
        b.cpus = cpus;
        b.pidsLimit = pidsLimit;
        b.network = network;
        b.sleepAfter = sleepAfter;
        b.keepAlive = keepAlive;
        b.maxLifetime = maxLifetime;
        b.volumes.addAll(volumes);
        b.diskBytes = diskBytes;
        b.prewarmInterpreters = prewarmInterpreters;
        b.egress = egress;
        b.user = user;
        return b;
    }

    /** Builds {@link SandboxOptions}. */
    public static final class Builder {
        private String image;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, Secret> secrets = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Long memoryBytes;
        private Double cpus;
        private Long pidsLimit;
        private NetworkMode network;
        private Duration sleepAfter;
        private Boolean keepAlive;
        private Duration maxLifetime;
        private final List<VolumeMount> volumes = new ArrayList<>();
        private Long diskBytes;
        private Set<CodeLanguage> prewarmInterpreters;
        private EgressPolicy egress;
        private String user;

        private Builder() {}

        /** The image of the container, instead of the engine's image. */
        public Builder image(String value) { image = value; return this; }

        /**
         * Starts the sandbox from a snapshot ({@link Sandbox#snapshot}): its container is created from
         * the snapshot's image, with the snapshot's files and installed packages; every other
         * option applies as usual. Creating it fails with {@link ErrorCode#SNAPSHOT_NOT_FOUND} once
         * the snapshot was deleted or expired.
         */
        public Builder fromSnapshot(SandboxSnapshot snapshot) {
            image = Objects.requireNonNull(snapshot, "snapshot").image();
            return this;
        }
        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        /** A secret environment variable: resolved when a command starts, never stored. */
        public Builder secret(String name, Secret value) { secrets.put(name, value); return this; }
        public Builder secrets(Map<String, Secret> values) { secrets.putAll(values); return this; }
        /** A Docker label on the container (the job engine labels per-task sandboxes with the run id). */
        public Builder label(String name, String value) { labels.put(name, value); return this; }
        public Builder labels(Map<String, String> values) { labels.putAll(values); return this; }
        public Builder memoryBytes(long value) { memoryBytes = value; return this; }
        public Builder cpus(double value) { cpus = value; return this; }
        public Builder pidsLimit(long value) { pidsLimit = value; return this; }
        /**
         * Shorthand for an egress policy: {@code NONE} is {@link EgressPolicy#none()}, {@code BRIDGE}
         * is {@link EgressPolicy#open()} (through the egress proxy: the host and private ranges are
         * not reachable). Prefer {@link #egress}.
         */
        public Builder network(NetworkMode value) { network = value; return this; }

        /**
         * Where the sandbox may connect to (see {@link EgressPolicy}); default: the engine's
         * {@link SandboxDefaults#egress()}. Given again to {@code getSandbox} for an existing
         * sandbox, it replaces the policy in force (so that injected secrets, never stored, can be
         * given again); a sandbox created with no network keeps none.
         */
        public Builder egress(EgressPolicy value) { egress = value; return this; }

        /**
         * The user commands run as: a name or uid, optionally {@code :group}. Default: the
         * engine's {@link SandboxDefaults#user()}, the unprivileged {@code sandbox} (uid 1000);
         * {@code "root"} for root (still without capabilities beyond the engine's short list).
         */
        public Builder user(String value) { user = value; return this; }
        public Builder sleepAfter(Duration value) { sleepAfter = value; return this; }
        public Builder keepAlive(boolean value) { keepAlive = value; return this; }
        public Builder maxLifetime(Duration value) { maxLifetime = value; return this; }
        /** Mounts the named volume {@code name} (created on first use) at {@code containerPath}; see {@link VolumeMount}. */
        public Builder volume(String name, String containerPath) { volumes.add(VolumeMount.of(name, containerPath)); return this; }
        public Builder volume(VolumeMount value) { volumes.add(Objects.requireNonNull(value, "volume")); return this; }
        /**
         * Limits the container's writable layer (everything written outside volumes) to this many
         * bytes: writing past it fails inside the sandbox with "No space left on device". Docker
         * can do this only with some storage drivers (overlay2 on xfs mounted with {@code pquota},
         * btrfs, zfs, devicemapper); elsewhere creating the sandbox fails with
         * {@link ErrorCode#DISK_LIMIT_UNSUPPORTED}. Unset: no limit beyond the host's disk.
         */
        public Builder diskBytes(long value) { diskBytes = value; return this; }

        /**
         * The code-interpreter languages whose executor starts in the background as soon as this
         * sandbox's container starts, so that its first {@code createCodeContext}/{@code runCode}
         * does not wait for Python or Node; none turns pre-warming off for this sandbox. Default:
         * the engine's {@link SandboxEngine.Builder#prewarmInterpreters}, which is none.
         *
         * <pre>{@code
         * engine.getSandbox("notebook", SandboxOptions.builder().prewarmInterpreters(CodeLanguage.PYTHON).build());
         * }</pre>
         */
        public Builder prewarmInterpreters(CodeLanguage... languages) {
            prewarmInterpreters = Set.of(languages);
            return this;
        }

        public SandboxOptions build() {
            return new SandboxOptions(image, env, secrets, labels, memoryBytes, cpus, pidsLimit, network,
                    sleepAfter, keepAlive, maxLifetime, volumes, diskBytes, prewarmInterpreters, egress, user);
        }
    }
}
