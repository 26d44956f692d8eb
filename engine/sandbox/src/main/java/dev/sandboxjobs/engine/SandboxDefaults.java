package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.egress.EgressPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Engine-wide defaults for every sandbox; {@link SandboxOptions} override them per sandbox (as
 * the CoreWeave SDK's session-level defaults). Environment maps are merged key by key, the
 * sandbox's value winning.
 *
 * <pre>{@code
 * SandboxEngine engine = SandboxEngine.builder()
 *         .defaults(SandboxDefaults.builder().env("LOG_LEVEL", "info").memoryBytes(1L << 30).build())
 *         .build();
 * }</pre>
 *
 * @param env           environment variables of every sandbox
 * @param secrets       secret environment variables of every sandbox (resolved when used)
 * @param labels        Docker labels added to every sandbox container
 * @param memoryBytes   memory limit of a container
 * @param cpus          CPU limit of a container (fractions allowed); {@code null} for no limit
 * @param pidsLimit     maximum number of processes in a container
 * @param network       {@code NONE} when {@code egress} is {@link EgressPolicy#none()}, else {@code BRIDGE}
 * @param sleepAfter    idle time (no call in flight) after which a container is stopped, files kept, and
 *                      woken on the next call; background processes do not keep it awake and end with it
 * @param keepAlive     when true, sandboxes never sleep
 * @param maxLifetime   age after which a sandbox is destroyed; {@code null} for no limit
 * @param maxOutputBytes how much of each stream a command's result keeps before cutting it with a marker
 * @param egress        where sandboxes may connect to; default {@link EgressPolicy#open()} (public
 *                      addresses through the egress proxy; never the host, private ranges or other sandboxes)
 * @param user          the user commands run as; default {@value #DEFAULT_USER} (uid 1000), {@code root} as an option
 */
public record SandboxDefaults(
        Map<String, String> env,
        Map<String, Secret> secrets,
        Map<String, String> labels,
        long memoryBytes,
        Double cpus,
        long pidsLimit,
        NetworkMode network,
        Duration sleepAfter,
        boolean keepAlive,
        Duration maxLifetime,
        long maxOutputBytes,
        EgressPolicy egress,
        String user) {

    /** 2 GiB of memory per sandbox. */
    public static final long DEFAULT_MEMORY_BYTES = 2L << 30;
    /** 1024 processes per sandbox: enough for builds, not for a fork bomb. */
    public static final long DEFAULT_PIDS_LIMIT = 1024;
    /** 10 MiB kept per stream in a command's result. */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 10L << 20;
    /** The unprivileged user {@code sandbox} of the runtime image (uid and gid 1000; works in any image). */
    public static final String DEFAULT_USER = "1000:1000";

    public SandboxDefaults {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(user, "user");
        network = egress.proxied() ? NetworkMode.BRIDGE : NetworkMode.NONE;
        Objects.requireNonNull(sleepAfter, "sleepAfter");
        if (memoryBytes <= 0 || pidsLimit <= 0 || maxOutputBytes <= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "memoryBytes, pidsLimit and maxOutputBytes must be positive");
        }
    }

    /**
     * The defaults used when none are given: 2 GiB, no CPU limit, 1024 processes, the open internet
     * through the egress proxy, user {@code sandbox}, sleep after 10 minutes, live 24 hours.
     */
    public static SandboxDefaults standard() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.env.putAll(env);
        b.secrets.putAll(secrets);
        b.labels.putAll(labels);
        b.memoryBytes = memoryBytes;
        b.cpus = cpus;
        b.pidsLimit = pidsLimit;
        b.sleepAfter = sleepAfter;
        b.keepAlive = keepAlive;
        b.maxLifetime = maxLifetime;
        b.maxOutputBytes = maxOutputBytes;
        b.egress = egress;
        b.user = user;
        return b;
    }

    /** Builds {@link SandboxDefaults}; every field starts at the standard default. */
    public static final class Builder {
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, Secret> secrets = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private long memoryBytes = DEFAULT_MEMORY_BYTES;
        private Double cpus;
        private long pidsLimit = DEFAULT_PIDS_LIMIT;
        private EgressPolicy egress = EgressPolicy.open();
        private String user = DEFAULT_USER;
        private Duration sleepAfter = Duration.ofMinutes(10);
        private boolean keepAlive;
        private Duration maxLifetime = Duration.ofHours(24);
        private long maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;

        private Builder() {}

        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        public Builder secret(String name, Secret value) { secrets.put(name, value); return this; }
        public Builder secrets(Map<String, Secret> values) { secrets.putAll(values); return this; }
        public Builder label(String name, String value) { labels.put(name, value); return this; }
        public Builder labels(Map<String, String> values) { labels.putAll(values); return this; }
        public Builder memoryBytes(long value) { memoryBytes = value; return this; }
        public Builder cpus(Double value) { cpus = value; return this; }
        public Builder pidsLimit(long value) { pidsLimit = value; return this; }
        /** {@code NONE}: {@link EgressPolicy#none()}; {@code BRIDGE}: {@link EgressPolicy#open()}. Prefer {@link #egress}. */
        public Builder network(NetworkMode value) {
            egress = Objects.requireNonNull(value, "network") == NetworkMode.NONE ? EgressPolicy.none() : EgressPolicy.open();
            return this;
        }
        /** Where every sandbox may connect to, unless its options say otherwise. */
        public Builder egress(EgressPolicy value) { egress = Objects.requireNonNull(value, "egress"); return this; }
        /** The user commands run as in every sandbox ({@code root} for root). */
        public Builder user(String value) { user = Objects.requireNonNull(value, "user"); return this; }
        public Builder sleepAfter(Duration value) { sleepAfter = value; return this; }
        public Builder keepAlive(boolean value) { keepAlive = value; return this; }
        public Builder maxLifetime(Duration value) { maxLifetime = value; return this; }
        public Builder maxOutputBytes(long value) { maxOutputBytes = value; return this; }

        public SandboxDefaults build() {
            return new SandboxDefaults(env, secrets, labels, memoryBytes, cpus, pidsLimit, null,
                    sleepAfter, keepAlive, maxLifetime, maxOutputBytes, egress, user);
        }
    }
}
