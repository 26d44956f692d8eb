/**
 * The job engine's tables behind small repositories: runs, steps, step logs, artifacts and
 * schedules, grouped by {@link dev.sandboxjobs.storage.run.JobStore}. This process's writes go
 * through one {@link dev.sandboxjobs.storage.run.WriteGate} that commits them in groups; a state
 * change that must be atomic with others runs in {@link dev.sandboxjobs.storage.run.JobStore#inTransaction}.
 *
 * <pre>{@code
 * JobStore store = new JobStore(db);
 * Optional<RunRow> run = store.runs().find("run-…");
 * boolean cancelled = store.inTransaction(tx -> tx.transitionRun("run-…", "QUEUED", "CANCELLED", null,
 *         RunRepository.Change.none()));
 * }</pre>
 */
package dev.sandboxjobs.storage.run;
