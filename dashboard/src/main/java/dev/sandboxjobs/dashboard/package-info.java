/**
 * The Sandbox Jobs dashboard: web pages and a JSON API over a job engine's runs, schedules and
 * sandboxes, served by Jetty from inside the application (or by {@code sandbox-jobs dashboard}).
 *
 * <pre>{@code
 * try (JobsClient client = JobEngine.openClient(Path.of("/var/lib/app/sandbox-jobs.db"));
 *      Dashboard dashboard = Dashboard.builder(client).port(8080).start()) {
 *     System.out.println("dashboard: " + dashboard.url());   // carries the admin token
 *     ...
 * }
 * }</pre>
 *
 * <p>Every page and API call needs a token (the admin one, or the read-only one that cannot
 * cancel, re-run or destroy anything). It listens on the loopback address unless told otherwise.
 * The API is described in {@code docs/dashboard.md}.
 */
package dev.sandboxjobs.dashboard;
