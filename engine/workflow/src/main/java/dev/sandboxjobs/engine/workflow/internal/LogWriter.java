package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.storage.run.LogRepository;
import dev.sandboxjobs.storage.run.LogRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches step log lines into few transactions: lines are queued and written every 50 ms and
 * whenever a step ends (before its end is recorded), so a finished step's log is always complete.
 */
final class LogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    static final int MAX_LINE_CHARS = 64 * 1024;

    private final LogRepository logs;
    private final ConcurrentLinkedQueue<LogRow> pending = new ConcurrentLinkedQueue<>();

    LogWriter(LogRepository logs) {
        this.logs = logs;
    }

    void add(String runId, int stepIndex, String stream, long at, String line) {
        String text = line == null ? "" : line;
        if (text.length() > MAX_LINE_CHARS) {
            text = text.substring(0, MAX_LINE_CHARS) + " …[line cut at " + MAX_LINE_CHARS + " characters]";
        }
        pending.add(new LogRow(0, runId, stepIndex, stream, at, text));
    }

    /** Writes every queued line. */
    synchronized void flush() {
        while (!pending.isEmpty()) {
            List<LogRow> batch = new ArrayList<>();
            LogRow r;
            while (batch.size() < 1000 && (r = pending.poll()) != null) {
                batch.add(r);
            }
            try {
                logs.append(batch);
            } catch (RuntimeException e) {
                LOG.error("Could not persist {} log lines; they are lost", batch.size(), e);
            }
        }
    }

    void flushIfPending() {
        if (!pending.isEmpty()) {
            flush();
        }
    }
}
