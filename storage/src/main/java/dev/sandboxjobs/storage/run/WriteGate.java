package dev.sandboxjobs.storage.run;

import dev.sandboxjobs.storage.StorageException;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Serialises this process's write transactions. SQLite has one writer at a time; letting several
 * threads race for its lock makes them sleep in SQLite's busy handler, so writers queue here
 * instead and SQLite's busy timeout only ever arbitrates against other connections (Quartz's).
 * A transaction that still meets {@code SQLITE_BUSY} is retried for up to a minute before the
 * caller sees a {@link StorageException}.
 */
public final class WriteGate {
    private static final long GIVE_UP_AFTER_NANOS = 60_000_000_000L;

    private final Jdbi jdbi;
    private final ReentrantLock lock = new ReentrantLock();

    public WriteGate(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Runs {@code work} in one write transaction and returns its value. */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        long start = System.nanoTime();
        int tries = 0;
        while (true) {
            lock.lock();
            try {
                return jdbi.inTransaction(work);
            } catch (RuntimeException e) {
                if (!isBusy(e) || System.nanoTime() - start > GIVE_UP_AFTER_NANOS) {
                    if (isBusy(e)) {
                        throw new StorageException("The database stayed locked by another connection for "
                                + "a minute; check that no other process writes to it.", e);
                    }
                    throw e;
                }
            } finally {
                lock.unlock();
            }
            tries++;
            try {
                Thread.sleep(Math.min(50, 1L << Math.min(tries, 5)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new StorageException("Interrupted while waiting for the database lock", ie);
            }
        }
    }

    /** Runs {@code work} in one write transaction. */
    public void use(java.util.function.Consumer<Handle> work) {
        write(h -> {
            work.accept(h);
            return null;
        });
    }

    /** Whether {@code e} was caused by SQLite reporting a locked database. */
    public static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String m = String.valueOf(sql.getMessage());
                if (m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("database is locked")) {
                    return true;
                }
            }
        }
        return false;
    }
}
