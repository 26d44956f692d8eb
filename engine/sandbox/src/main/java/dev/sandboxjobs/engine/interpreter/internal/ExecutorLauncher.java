package dev.sandboxjobs.engine.interpreter.internal;

/** Starts executor processes, in a sandbox's container for the real one ({@link DockerExecLauncher}). */
@FunctionalInterface
interface ExecutorLauncher {
    /**
     * Starts {@code command} with stdin, stdout and stderr attached. Never builds a shell string
     * from the command: the argv runs as given.
     */
    ExecutorChannel launch(ExecutorCommand command, ExecutorChannel.Listener listener);
}
