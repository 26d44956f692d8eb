package dev.sandboxjobs.engine.workflow;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sandbox a run gets: stored with the run (so a restart can recreate it) and turned into the
 * SDK's sandbox options when the run starts. Secrets are given by name only; their values are
 * resolved when the container is created and never stored.
 *
 * <pre>{@code
 * SandboxSpec.image("sandbox-jobs/debian-base:bookworm").withEnv(Map.of("CI", "true")).withMemoryMb(512)
 * }</pre>
 *
 * @param image     the image to run; null for the engine's default image
 * @param env       environment variables
 * @param secrets   names of secrets to expose as environment variables of the same name
 * @param memoryMb  memory limit in MiB, 0 for the engine's default
 * @param cpus      CPU limit, 0 for the engine's default
 * @param pids      process limit, 0 for the engine's default
 * @param network   "none" or "bridge"
 * @param labels    extra container labels
 * @param volumes   named volumes to mount (dependency caches shared by runs); the SDK creates a
 *                  volume on first use and refuses host paths
 */
public record SandboxSpec(String image, Map<String, String> env, List<String> secrets, int memoryMb, double cpus,
                          int pids, String network, Map<String, String> labels, List<Volume> volumes) {
    /**
     * A named volume mounted at {@code containerPath}.
     *
     * @param name          the volume's name (letters, digits, {@code _ . -}; never a host path)
     * @param containerPath an absolute path in the sandbox
     */
    public record Volume(String name, String containerPath) {
        public Volume {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(containerPath, "containerPath");
        }
    }

    /** A spec without volumes (the shape before volumes existed). */
    public SandboxSpec(String image, Map<String, String> env, List<String> secrets, int memoryMb, double cpus,
                       int pids, String network, Map<String, String> labels) {
        this(image, env, secrets, memoryMb, cpus, pids, network, labels, List.of());
    }

    public SandboxSpec {
        if (image != null && image.isBlank()) {
            throw new IllegalArgumentException("image must not be blank; use SandboxSpec.defaults() for the engine's image");
        }
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        env = env == null ? Map.of() : Map.copyOf(env);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        network = network == null ? "none" : network;
        if (!network.equals("none") && !network.equals("bridge")) {
            throw new IllegalArgumentException("network must be \"none\" or \"bridge\", was " + network);
        }
    }

    /** A sandbox of {@code image}, with no network and the engine's default limits. */
    public static SandboxSpec image(String image) {
        Objects.requireNonNull(image, "image");
        return new SandboxSpec(image, Map.of(), List.of(), 0, 0, 0, "none", Map.of());
    }

    /** A sandbox of the engine's default image (the runtime image), with no network and default limits. */
    public static SandboxSpec defaults() {
        return new SandboxSpec(null, Map.of(), List.of(), 0, 0, 0, "none", Map.of());
    }

    public SandboxSpec withEnv(Map<String, String> e) {
        return new SandboxSpec(image, e, secrets, memoryMb, cpus, pids, network, labels, volumes);
    }

    public SandboxSpec withSecrets(List<String> s) {
        return new SandboxSpec(image, env, s, memoryMb, cpus, pids, network, labels, volumes);
    }

    public SandboxSpec withMemoryMb(int mb) {
        return new SandboxSpec(image, env, secrets, mb, cpus, pids, network, labels, volumes);
    }

    public SandboxSpec withCpus(double c) {
        return new SandboxSpec(image, env, secrets, memoryMb, c, pids, network, labels, volumes);
    }

    public SandboxSpec withPids(int p) {
        return new SandboxSpec(image, env, secrets, memoryMb, cpus, p, network, labels, volumes);
    }

    public SandboxSpec withNetwork(String n) {
        return new SandboxSpec(image, env, secrets, memoryMb, cpus, pids, n, labels, volumes);
    }

    public SandboxSpec withLabels(Map<String, String> l) {
        return new SandboxSpec(image, env, secrets, memoryMb, cpus, pids, network, l, volumes);
    }

    /** This spec with {@code v} as its volumes (replacing any). */
    public SandboxSpec withVolumes(List<Volume> v) {
        return new SandboxSpec(image, env, secrets, memoryMb, cpus, pids, network, labels, v);
    }
}
