package dev.sandboxjobs.jobs.pipeline;

import java.util.List;

/**
 * A {@link PipelineRequest} that cannot run, with every problem found
 * ({@link TestingPipeline.Builder#build()}); the job engine refuses such parameters with
 * {@code INVALID_PARAMETERS} at submission.
 */
public final class InvalidPipelineException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidPipelineException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** What is wrong, one sentence each. */
    public List<String> problems() {
        return problems;
    }
}
