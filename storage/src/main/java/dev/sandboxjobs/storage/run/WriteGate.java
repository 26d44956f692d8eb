package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.StorageException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Serialises this process's writes and commits them in groups. SQLite has one writer at a time;
 * threads racing for its lock would sleep in SQLite's busy handler, so writers queue here instead,
 * and SQLite's busy timeout only arbitrates against other connections (Quartz's).
 *
 * <p>Group commit: whichever writer holds the gate runs every write queued so far in one
 * transaction, each inside its own savepoint, so one write's failure rolls back only that write.
 * A writer whose work was committed by another returns as soon as it gets the gate. A batch that
 * meets {@code SQLITE_BUSY} is retried for up to a minute before its callers see a
 * {@link StorageException}.
 */
public final class WriteGate {
    private static final long GIVE_UP_AFTER_NANOS = 60_000_000_000L;
    private static final int MAX_BATCH = 256;

    private final Jdbi jdbi;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();

    public WriteGate(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static final class Pending<T> {
        final HandleCallback<T, RuntimeException> work;
        volatile boolean done;
        T result;
        RuntimeException error;

        Pending(HandleCallback<T, RuntimeException> work) {
            this.work = work;
        }

        void run(Handle h) {
            result = work.withHandle(h);
        }
    }

    /** Runs {@code work} in a write transaction (possibly shared with other writers) and returns its value. */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("A write must not start another write; use the handle it was given");
        }
        Pending<T> p = new Pending<>(work);
        queue.add(p);
        lock.lock();
        try {
            if (!p.done) {
                runBatches(p);
            }
        } finally {
            lock.unlock();
        }
        if (p.error != null) {
            throw p.error;
        }
        return p.result;
    }

    /** Runs {@code work} in a write transaction. */
    public void use(Consumer<Handle> work) {
        write(h -> {
            work.accept(h);
            return null;
        });
    }

    private void runBatches(Pending<?> mine) {
        boolean interrupted = Thread.interrupted();
        try {
            while (!mine.done) {
                List<Pending<?>> batch = new ArrayList<>();
                Pending<?> next;
                while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    return;
                }
                runBatch(batch);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        long start = System.nanoTime();
        int tries = 0;
        while (true) {
            try {
                jdbi.useTransaction(h -> {
                    if (batch.size() == 1) {
                        batch.get(0).run(h);
                        return;
                    }
                    for (Pending<?> p : batch) {
                        p.error = null;
                        // Plain SQL savepoints (SQLite and PostgreSQL agree): ROLLBACK TO keeps the
                        // savepoint, RELEASE ends it.
                        h.execute("savepoint gate_write");
                        try {
                            p.run(h);
                        } catch (RuntimeException e) {
                            if (isBusy(e)) {
                                throw e;
                            }
                            h.execute("rollback to savepoint gate_write");
                            p.error = e;
                        }
                        h.execute("release savepoint gate_write");
                    }
                });
                break;
            } catch (RuntimeException e) {
                if (!isBusy(e) || System.nanoTime() - start > GIVE_UP_AFTER_NANOS) {
                    RuntimeException error = isBusy(e) ? new StorageException("The database stayed locked by "
                            + "another connection for a minute; check that no other process writes to it.", e) : e;
                    for (Pending<?> p : batch) {
                        p.error = error;
                    }
                    break;
                }
            }
            tries++;
            try {
                Thread.sleep(Math.min(50, 1L << Math.min(tries, 5)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        for (Pending<?> p : batch) {
            p.done = true;
        }
    }

    /**
     * Whether {@code e} was caused by contention that a retry resolves: SQLite reporting a locked
     * database, or PostgreSQL a serialization failure or deadlock between engines.
     */
    public static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                if ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())) {
                    return true;
                }
                String m = String.valueOf(sql.getMessage());
                if (m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("database is locked")) {
                    return true;
                }
            }
        }
        return false;
    }
}
