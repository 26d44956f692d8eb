package dev.sandboxjobs.engine.interpreter.internal;

import java.io.IOException;

/**
 * A bidirectional connection to one executor process: lines go in on its stdin; what it writes
 * comes back through the {@link Listener} given when the channel was opened. A docker exec
 * attached to stdin/stdout/stderr is the real one ({@link DockerExecLauncher}).
 */
interface ExecutorChannel extends AutoCloseable {
    /** Writes one protocol line (a JSON object without its newline) to the executor's stdin. */
    void send(String line) throws IOException;

    /**
     * Sends a signal ({@code "INT"}, {@code "KILL"}) to a process in the executor's container or
     * host, by the pid the executor reported. Best effort.
     */
    void signal(long pid, String signal);

    /** Ends the connection. Safe to call twice. Does not by itself kill the process: signal first. */
    @Override
    void close();

    /** Receives what the executor writes. Calls come from one reader thread, in order. */
    interface Listener {
        /** One line of the protocol stream (the executor's stdout), without its terminator. */
        void onLine(String line);

        /** A chunk of the executor's own stderr (diagnostics, or output of child processes). */
        void onStderr(String text);

        /** The connection ended: the process exited or the transport failed ({@code cause} may be null). */
        void onClosed(Throwable cause);
    }
}
