/**
 * Dependency caches for the testing pipeline, as data: Docker volume names, mount paths
 * and the environment that points each tool at its cache. See {@link dev.sandboxjobs.jobs.cache.CacheMounts}.
 */
package dev.sandboxjobs.jobs.cache;
