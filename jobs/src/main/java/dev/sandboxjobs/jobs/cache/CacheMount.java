package dev.sandboxjobs.jobs.cache;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One dependency cache: a named Docker volume mounted at a fixed path in the sandbox, and
 * the environment that points a tool at it.
 *
 * @param volume        the Docker volume name ({@code sandbox-jobs-cache-npm})
 * @param containerPath where it is mounted ({@code /cache/npm})
 * @param kinds         the project kinds that use it
 * @param env           environment for the tools ({@code npm_config_cache=/cache/npm})
 */
public record CacheMount(String volume, String containerPath, Set<ProjectKind> kinds, Map<String, String> env) {

    public CacheMount {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(containerPath, "containerPath");
        if (!volume.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+")) {
            throw new IllegalArgumentException("not a valid Docker volume name: " + volume);
        }
        if (!containerPath.startsWith("/")) {
            throw new IllegalArgumentException("a cache path must be absolute: " + containerPath);
        }
        kinds = Set.copyOf(kinds);
        env = Map.copyOf(env);
    }
}
