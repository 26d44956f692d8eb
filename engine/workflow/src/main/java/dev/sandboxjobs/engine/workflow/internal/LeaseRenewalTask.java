package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.task.Task;

/**
 * Periodic ({@link EngineMembership#renewEvery()}, on a scheduler of its own so that a slow task
 * never delays it): renews this engine's lease, its heartbeat to the other engines on the
 * database. A failed renewal is logged by the scheduler and tried again at the next turn; the
 * lease lapses only if renewals keep failing for the whole lease.
 */
final class LeaseRenewalTask implements Task {
    private final EngineMembership membership;

    LeaseRenewalTask(EngineMembership membership) {
        this.membership = membership;
    }

    @Override
    public String name() {
        return "lease renewal";
    }

    @Override
    public void run() {
        membership.renew();
    }
}
