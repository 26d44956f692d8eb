package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.StepSandbox;

/** A live sandbox handed out by a {@link SandboxProvider} for one run. */
public interface TaskSandbox extends StepSandbox {
}
