package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;

/** A state change the state machine does not allow; both states are kept as fields. */
public final class IllegalStateTransitionException extends SandboxException {
    private final RunState from;
    private final RunState to;

    public IllegalStateTransitionException(String what, RunState from, RunState to) {
        super(ErrorCode.ILLEGAL_STATE_TRANSITION, what + " cannot go from " + from + " to " + to
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
