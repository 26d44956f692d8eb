package dev.sandboxjobs.engine.workflow;

/**
 * A step's log: every line is persisted with the run and can be followed live
 * ({@link JobsClient#followLogs}) or read afterwards ({@link JobsClient#logs}).
 */
public interface LogSink {
    /** Appends one line on {@code stream} (e.g. "stdout", "stderr", "info"). */
    void write(String stream, String line);

    default void info(String line) {
        write("info", line);
    }

    default void stdout(String line) {
        write("stdout", line);
    }

    default void stderr(String line) {
        write("stderr", line);
    }
}
