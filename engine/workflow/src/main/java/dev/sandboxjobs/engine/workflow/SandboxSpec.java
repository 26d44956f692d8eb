package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.EgressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The sandbox a run gets, in the SDK's own terms ({@link SandboxOptions}, less what cannot be
 * stored): stored with the run (so a restart can recreate it) and turned into the sandbox's
 * options by {@link #options()} when the run starts. Secrets are given by name only; their values
 * are resolved when the container is created and never stored. Every null limit takes the sandbox
 * engine's default.
 *
 * <pre>{@code
 * SandboxSpec.image("sandbox-jobs/debian-base:trixie")
 *         .withEnv(Map.of("CI", "true"))
 *         .withMemoryBytes(512L << 20)
 *         .withNetwork(NetworkMode.BRIDGE)
 *         .withVolumes(List.of(VolumeMount.of("npm-cache", "/cache/npm")));
 *
 * // only the npm registry, through the engine's egress proxy (see EgressPolicy)
 * SandboxSpec.defaults().withEgress(EgressPolicy.allow("registry.npmjs.org:443"));
 * }</pre>
 *
 * @param image       the image to run; null for the engine's default image
 * @param env         environment variables
 * @param secrets     names of secrets to expose as environment variables of the same name
 * @param memoryBytes memory limit; null for the engine's default
 * @param cpus        CPU limit; null for the engine's default
 * @param pidsLimit   process limit; null for the engine's default
 * @param network     the container's network ({@link NetworkMode#NONE} unless the work needs one);
 *                    {@link NetworkMode#BRIDGE} is the open internet through the engine's egress
 *                    proxy (the host and private ranges stay out of reach), or only {@code allow}
 * @param labels      extra container labels
 * @param volumes     named volumes to mount (dependency caches shared by runs); the SDK creates a
 *                    volume on first use and refuses host paths
 * @param allow       egress rules ({@link EgressRule} text: {@code *.example.com}, {@code 10.0.0.0/8},
 *                    {@code host:443}); not empty: the sandbox reaches only these (an allowlist
 *                    {@link EgressPolicy}), which needs {@link NetworkMode#BRIDGE}
 * @param headers     headers the egress proxy adds for a host, each carrying a secret given by name
 *                    ({@link SecretHeader}); they need {@link NetworkMode#BRIDGE}
 */
public record SandboxSpec(String image, Map<String, String> env, List<String> secrets, Long memoryBytes, Double cpus,
                          Long pidsLimit, NetworkMode network, Map<String, String> labels, List<VolumeMount> volumes,
                          List<String> allow, List<SecretHeader> headers) {

    public SandboxSpec {
        if (image != null && image.isBlank()) {
            throw new IllegalArgumentException("image must not be blank; use SandboxSpec.defaults() for the engine's image");
        }
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        env = env == null ? Map.of() : Map.copyOf(env);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        network = network == null ? NetworkMode.NONE : network;
        allow = allow == null ? List.of() : List.copyOf(allow);
        allow.forEach(EgressRule::parse);
        if (!allow.isEmpty() && network == NetworkMode.NONE) {
            throw new IllegalArgumentException("allow " + allow + " needs network BRIDGE (the egress proxy's network);"
                    + " use withEgress(EgressPolicy.allow(...)), which sets both");
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
        if (!headers.isEmpty() && network == NetworkMode.NONE) {
            throw new IllegalArgumentException("secret headers " + headers + " need network BRIDGE (the egress proxy"
                    + " adds them); use withEgress(EgressPolicy.allow(...)) first");
        }
    }

    /** A spec without secret headers (the shape before {@link #headers()} existed). */
    public SandboxSpec(String image, Map<String, String> env, List<String> secrets, Long memoryBytes, Double cpus,
                       Long pidsLimit, NetworkMode network, Map<String, String> labels, List<VolumeMount> volumes,
                       List<String> allow) {
        this(image, env, secrets, memoryBytes, cpus, pidsLimit, network, labels, volumes, allow, List.of());
    }

    /**
     * Reads a stored spec: today's shape, or 0.1's ({@code memoryMb}, {@code pids}, 0 for the
     * defaults, {@code network} as {@code "none"} or {@code "bridge"}), as queued runs of a 0.1
     * database hold it.
     */
    @JsonCreator
    static SandboxSpec fromJson(@JsonProperty("image") String image, @JsonProperty("env") Map<String, String> env,
                                @JsonProperty("secrets") List<String> secrets,
                                @JsonProperty("memoryBytes") Long memoryBytes, @JsonProperty("memoryMb") Integer memoryMb,
                                @JsonProperty("cpus") Double cpus,
                                @JsonProperty("pidsLimit") Long pidsLimit, @JsonProperty("pids") Integer pids,
                                @JsonProperty("network") String network, @JsonProperty("labels") Map<String, String> labels,
                                @JsonProperty("volumes") List<VolumeMount> volumes,
                                @JsonProperty("allow") List<String> allow,
                                @JsonProperty("headers") List<SecretHeader> headers) {
        Long memory = memoryBytes != null ? memoryBytes
                : memoryMb != null && memoryMb > 0 ? (long) memoryMb << 20 : null;
        Long processes = pidsLimit != null ? pidsLimit : pids != null && pids > 0 ? (long) pids : null;
        return new SandboxSpec(image, env, secrets, memory, cpus != null && cpus > 0 ? cpus : null, processes,
                network == null ? null : NetworkMode.valueOf(network.toUpperCase(Locale.ROOT)), labels, volumes, allow,
                headers);
    }

    /** A sandbox of {@code image}, with no network and the engine's default limits. */
    public static SandboxSpec image(String image) {
        Objects.requireNonNull(image, "image");
        return new SandboxSpec(image, Map.of(), List.of(), null, null, null, NetworkMode.NONE, Map.of(), List.of(), List.of());
    }

    /** A sandbox of the engine's default image (the runtime image), with no network and default limits. */
    public static SandboxSpec defaults() {
        return new SandboxSpec(null, Map.of(), List.of(), null, null, null, NetworkMode.NONE, Map.of(), List.of(), List.of());
    }

    /**
     * The SDK options of this spec, without secrets (the caller resolves {@link #secrets()} and
     * {@link #headers()} by name, see {@link #egress(SecretResolver)}) and without what the job
     * engine adds (the run's label, keep-alive).
     */
    public SandboxOptions options() {
        SandboxOptions.Builder b = SandboxOptions.builder().image(image).env(env).labels(labels);
        b.egress(egress());
        volumes.forEach(b::volume);
        if (memoryBytes != null) {
            b.memoryBytes(memoryBytes);
        }
        if (cpus != null) {
            b.cpus(cpus);
        }
        if (pidsLimit != null) {
            b.pidsLimit(pidsLimit);
        }
        return b.build();
    }

    /** The egress policy of this spec: none, the open internet, or the allowlist {@link #allow()}. */
    public EgressPolicy egress() {
        if (network == NetworkMode.NONE) {
            return EgressPolicy.none();
        }
        return allow.isEmpty() ? EgressPolicy.open() : EgressPolicy.builder().allow(allow).build();
    }

    /**
     * The egress policy of this spec with its {@link #headers()} bound to the secrets
     * {@code resolver} gives (their values are read when a request needs them). A spec with secret
     * headers makes its sandbox trust the engine's egress certificate authority, so that the proxy
     * can add them to HTTPS requests too.
     */
    public EgressPolicy egress(SecretResolver resolver) {
        EgressPolicy policy = egress();
        if (headers.isEmpty()) {
            return policy;
        }
        EgressPolicy.Builder b = policy.toBuilder().trustProxyCa(true);
        headers.forEach(h -> b.inject(h.resolve(resolver)));
        return b.build();
    }

    /**
     * This spec with {@code policy}'s network and rules. A spec is stored with its run, so it holds
     * no secrets: a policy that injects headers is refused (give the job its secrets by name with
     * {@link #withSecrets}, or its headers with {@link #withSecretHeader}), as is the open internet
     * with extra private destinations.
     *
     * @throws IllegalArgumentException for a policy with header injections, or open with rules
     */
    public SandboxSpec withEgress(EgressPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (!policy.injections().isEmpty()) {
            throw new IllegalArgumentException("A job's sandbox spec is stored with its run and holds no secret values:"
                    + " header injections cannot be part of it (" + policy.injections() + ")");
        }
        if (policy.mode() == EgressPolicy.Mode.OPEN && !policy.rules().isEmpty()) {
            throw new IllegalArgumentException("A job's sandbox spec takes the open internet or an allowlist, not open"
                    + " with extra private destinations (" + policy.describe() + ")");
        }
        List<String> rules = policy.rules().stream().map(EgressRule::toString).toList();
        NetworkMode n = policy.proxied() ? NetworkMode.BRIDGE : NetworkMode.NONE;
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, pidsLimit, n, labels, volumes, rules, headers);
    }

    /**
     * This spec with one more header the egress proxy adds for a host, carrying the value of a
     * secret given by name (resolved by the job engine's {@link SecretResolver} when the run's
     * sandbox is made; never stored). The spec's policy must already reach the proxy
     * ({@link #withEgress}); in an allowlist, the header's host is allowed too (as
     * {@link EgressPolicy.Builder#inject} does).
     */
    public SandboxSpec withSecretHeader(SecretHeader header) {
        Objects.requireNonNull(header, "header");
        List<SecretHeader> h = new ArrayList<>(headers);
        h.add(header);
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, pidsLimit, network, labels, volumes, allow, h);
    }

    public SandboxSpec withEnv(Map<String, String> e) {
        return new SandboxSpec(image, e, secrets, memoryBytes, cpus, pidsLimit, network, labels, volumes, allow, headers);
    }

    public SandboxSpec withSecrets(List<String> s) {
        return new SandboxSpec(image, env, s, memoryBytes, cpus, pidsLimit, network, labels, volumes, allow, headers);
    }

    public SandboxSpec withMemoryBytes(long bytes) {
        return new SandboxSpec(image, env, secrets, bytes, cpus, pidsLimit, network, labels, volumes, allow, headers);
    }

    public SandboxSpec withCpus(double c) {
        return new SandboxSpec(image, env, secrets, memoryBytes, c, pidsLimit, network, labels, volumes, allow, headers);
    }

    public SandboxSpec withPidsLimit(long p) {
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, p, network, labels, volumes, allow, headers);
    }

    public SandboxSpec withNetwork(NetworkMode n) {
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, pidsLimit, n, labels, volumes,
                n == NetworkMode.NONE ? List.of() : allow, n == NetworkMode.NONE ? List.of() : headers);
    }

    public SandboxSpec withLabels(Map<String, String> l) {
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, pidsLimit, network, l, volumes, allow, headers);
    }

    /** This spec with {@code v} as its volumes (replacing any). */
    public SandboxSpec withVolumes(List<VolumeMount> v) {
        return new SandboxSpec(image, env, secrets, memoryBytes, cpus, pidsLimit, network, labels, v, allow, headers);
    }
}
