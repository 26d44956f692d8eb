/**
 * The sandbox SDK's tables: sandboxes (their settings, container, status, activity), their
 * sessions, background processes and preview ports, each behind a small repository.
 *
 * <pre>{@code
 * SandboxRepository sandboxes = new SandboxRepository(db);
 * sandboxes.list().forEach(r -> System.out.println(r.id() + " " + r.status()));
 * }</pre>
 */
package dev.sandboxjobs.storage.sandbox;
