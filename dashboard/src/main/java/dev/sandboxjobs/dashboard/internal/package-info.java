/**
 * The dashboard's implementation: the Jetty server, the token check, the JSON API, the log
 * stream and the pages' assets. {@link dev.sandboxjobs.dashboard.internal.DashboardBackend} is the
 * seam to the engine. Not part of the API.
 */
package dev.sandboxjobs.dashboard.internal;
