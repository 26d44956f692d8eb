package dev.sandboxjobs.engine.workflow;

import java.time.Duration;

/** A live subscription to a run's log; close it to stop early. */
public interface LogFollow extends AutoCloseable {
    /**
     * Waits until the run is over and every line has been delivered, or {@code timeout} passes.
     *
     * @return whether the end was reached
     */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    @Override
    void close();
}
