package dev.sandboxjobs.engine.workflow;

/** A state change the state machine does not allow; both states are kept as fields. */
public final class IllegalStateTransitionException extends JobException {
    private final RunState from;
    private final RunState to;

    public IllegalStateTransitionException(String what, RunState from, RunState to) {
        super(JobErrorCode.ILLEGAL_STATE_TRANSITION, what + " cannot go from " + from + " to " + to
                + "; a finished run or step never changes again, and only a running one can be requeued.");
        this.from = from;
        this.to = to;
    }

    public RunState from() {
        return from;
    }

    public RunState to() {
        return to;
    }
}
