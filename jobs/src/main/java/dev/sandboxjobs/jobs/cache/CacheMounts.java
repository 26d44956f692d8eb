package dev.sandboxjobs.jobs.cache;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dependency caches a pipeline run mounts, so that a second run of the same project
 * installs from the cache. Volumes are shared by every run of the engine (the tools below
 * lock their caches); a run opts out with {@link #none()}.
 *
 * <p>The kind of project is only known after the clone, and mounts are fixed when the
 * sandbox is created, so a run mounts {@link #defaults()} (all of them; an unused volume
 * costs nothing) and the install and test steps add {@link #env()}.
 *
 * <pre>{@code
 * CacheMounts caches = request.useCaches() ? CacheMounts.defaults() : CacheMounts.none();
 * caches.mounts().forEach(m -> options.volume(m.volume(), m.containerPath()));
 * }</pre>
 *
 * <pre>
 * kind    volume                     path           environment
 * nodejs  sandbox-jobs-cache-npm     /cache/npm     npm_config_cache, YARN_CACHE_FOLDER, npm_config_store_dir
 * python  sandbox-jobs-cache-pip     /cache/pip     PIP_CACHE_DIR, POETRY_CACHE_DIR, UV_CACHE_DIR
 * maven   sandbox-jobs-cache-m2      /cache/m2      MAVEN_OPTS=-Dmaven.repo.local=/cache/m2/repository
 * gradle  sandbox-jobs-cache-gradle  /cache/gradle  GRADLE_USER_HOME
 * go      sandbox-jobs-cache-go      /cache/go      GOMODCACHE, GOCACHE
 * rust    sandbox-jobs-cache-cargo   /cache/cargo   CARGO_HOME
 * </pre>
 */
public record CacheMounts(List<CacheMount> mounts) {

    /** Prefix of every default volume name. */
    public static final String DEFAULT_PREFIX = "sandbox-jobs-cache-";

    public CacheMounts {
        mounts = List.copyOf(mounts);
    }

    /** No caches: every install starts from nothing. */
    public static CacheMounts none() {
        return new CacheMounts(List.of());
    }

    /** Every cache, with volume names starting with {@link #DEFAULT_PREFIX}. */
    public static CacheMounts defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /** Every cache, with volume names starting with {@code prefix} (one engine's, one tenant's…). */
    public static CacheMounts withPrefix(String prefix) {
        return new CacheMounts(List.of(
                new CacheMount(prefix + "npm", "/cache/npm", Set.of(ProjectKind.NODE), Map.of(
                        "npm_config_cache", "/cache/npm",
                        "YARN_CACHE_FOLDER", "/cache/npm/yarn",
                        "npm_config_store_dir", "/cache/npm/pnpm-store")),
                new CacheMount(prefix + "pip", "/cache/pip", Set.of(ProjectKind.PYTHON), Map.of(
                        "PIP_CACHE_DIR", "/cache/pip",
                        "POETRY_CACHE_DIR", "/cache/pip/poetry",
                        "UV_CACHE_DIR", "/cache/pip/uv")),
                new CacheMount(prefix + "m2", "/cache/m2", Set.of(ProjectKind.MAVEN), Map.of(
                        "MAVEN_OPTS", "-Dmaven.repo.local=/cache/m2/repository")),
                new CacheMount(prefix + "gradle", "/cache/gradle", Set.of(ProjectKind.GRADLE), Map.of(
                        "GRADLE_USER_HOME", "/cache/gradle")),
                new CacheMount(prefix + "go", "/cache/go", Set.of(ProjectKind.GO), Map.of(
                        "GOMODCACHE", "/cache/go/mod",
                        "GOCACHE", "/cache/go/build")),
                new CacheMount(prefix + "cargo", "/cache/cargo", Set.of(ProjectKind.RUST), Map.of(
                        "CARGO_HOME", "/cache/cargo"))));
    }

    /** Only the caches {@code kind} uses. */
    public CacheMounts forKind(ProjectKind kind) {
        return new CacheMounts(mounts.stream().filter(m -> m.kinds().contains(kind)).toList());
    }

    /** Whether no cache is mounted. */
    public boolean isEmpty() {
        return mounts.isEmpty();
    }

    /** The environment of every mount, merged. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        mounts.forEach(m -> env.putAll(m.env()));
        return env;
    }

    /** The environment the caches {@code kind} uses need. */
    public Map<String, String> envFor(ProjectKind kind) {
        return forKind(kind).env();
    }

    /**
     * The environment the caches {@code kind} uses need, for the package manager {@code tool}
     * ({@code npm}, {@code pnpm}, ...): a variable only one tool reads is left out for the others
     * (npm 11 warns about {@code npm_config_store_dir}, pnpm's setting, in every npm project).
     */
    public Map<String, String> envFor(ProjectKind kind, String tool) {
        Map<String, String> env = envFor(kind);
        env.keySet().removeIf(name -> ONLY_FOR.containsKey(name) && !ONLY_FOR.get(name).equals(tool));
        return env;
    }

    /** Variables that a single tool reads, by variable. */
    private static final Map<String, String> ONLY_FOR = Map.of("npm_config_store_dir", "pnpm");

    /** The volume names, e.g. to remove them. */
    public List<String> volumeNames() {
        List<String> names = new ArrayList<>();
        mounts.forEach(m -> names.add(m.volume()));
        return names;
    }
}
