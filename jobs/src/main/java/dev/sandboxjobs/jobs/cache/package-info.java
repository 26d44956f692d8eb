/**
 * Dependency caches for the testing pipeline, as data: Docker volume names, mount paths
 * and the environment that points each tool at its cache. See {@link dev.sandboxjobs.jobs.cache.CacheMounts}.
 *
 * <pre>{@code
 * CacheMounts caches = CacheMounts.defaults();                 // or CacheMounts.none() to opt out
 * SandboxOptions.Builder options = SandboxOptions.builder();
 * caches.mounts().forEach(m -> options.volume(m.volume(), m.containerPath()));
 * Map<String, String> env = caches.envFor(ProjectKind.NODE);   // npm_config_cache=/cache/npm, ...
 * }</pre>
 */
package dev.sandboxjobs.jobs.cache;
