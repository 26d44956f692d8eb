package dev.sandboxjobs.engine.workflow.internal;

import static dev.sandboxjobs.engine.workflow.RunState.CANCELLED;
import static dev.sandboxjobs.engine.workflow.RunState.FAILED;
import static dev.sandboxjobs.engine.workflow.RunState.QUEUED;
import static dev.sandboxjobs.engine.workflow.RunState.RUNNING;
import static dev.sandboxjobs.engine.workflow.RunState.SUCCEEDED;
import static dev.sandboxjobs.engine.workflow.RunState.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.workflow.IllegalStateTransitionException;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.internal.StateMachine.Subject;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachineTest {
    private static final Set<String> RUN_ALLOWED = Set.of("QUEUED>RUNNING", "QUEUED>CANCELLED",
            "RUNNING>SUCCEEDED", "RUNNING>FAILED", "RUNNING>CANCELLED", "RUNNING>TIMED_OUT", "RUNNING>QUEUED");

    @Test
    void everyRunTransitionIsAllowedExactlyWhenTheTableSaysSo() {
        for (RunState from : RunState.values()) {
            for (RunState to : RunState.values()) {
                boolean expected = RUN_ALLOWED.contains(from + ">" + to);
                assertThat(StateMachine.allowed(Subject.RUN, from, to)).as(from + " -> " + to).isEqualTo(expected);
                if (!expected) {
                    assertThatThrownBy(() -> StateMachine.check(Subject.RUN, from, to))
                            .isInstanceOfSatisfying(IllegalStateTransitionException.class, e -> {
                                assertThat(e.from()).isEqualTo(from);
                                assertThat(e.to()).isEqualTo(to);
                                assertThat(e.code()).isEqualTo(JobErrorCode.ILLEGAL_STATE_TRANSITION);
                            });
                }
            }
        }
    }

    @Test
    void stepsMayAlsoBeResetFromSucceededForAFreshSandbox() {
        for (RunState from : RunState.values()) {
            for (RunState to : RunState.values()) {
                boolean expected = RUN_ALLOWED.contains(from + ">" + to) || (from == SUCCEEDED && to == QUEUED);
                assertThat(StateMachine.allowed(Subject.STEP, from, to)).as(from + " -> " + to).isEqualTo(expected);
            }
        }
    }

    @Test
    void finishedRunsNeverChangeAgain() {
        for (RunState done : new RunState[] {SUCCEEDED, FAILED, CANCELLED, TIMED_OUT}) {
            assertThat(done.isFinished()).isTrue();
            for (RunState to : RunState.values()) {
                assertThat(StateMachine.allowed(Subject.RUN, done, to)).isFalse();
            }
        }
        assertThat(QUEUED.isFinished()).isFalse();
        assertThat(RUNNING.isFinished()).isFalse();
    }

    @Test
    void theErrorNamesBothStates() {
        assertThatThrownBy(() -> StateMachine.check(Subject.RUN, SUCCEEDED, RUNNING))
                .hasMessageContaining("SUCCEEDED").hasMessageContaining("RUNNING");
    }
}
