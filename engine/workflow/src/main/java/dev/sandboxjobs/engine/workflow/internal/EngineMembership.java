package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.storage.run.LeaseRepository;
import dev.sandboxjobs.storage.run.LeaseRepository.Lease;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine's place among the engines sharing its database: a lease row (id, machine, pid)
 * renewed every second, and the view of which other engines are alive.
 *
 * <p>An engine is dead to the others when its lease ran out (killed, frozen, its machine or its
 * network gone), or at once when it ran on this machine (same host name and process namespace)
 * and its process is gone: a restarted engine takes over its predecessor's runs without waiting.
 *
 * <p>The fence: this engine writes a run's progress only while its own lease is provably
 * unexpired by its own monotonic clock ({@link #held(long)}), so an engine that was frozen past its
 * lease stops before it can record anything for a run that another engine has taken over. A
 * renewal that finds its row deleted (another engine declared this one dead) starts a new epoch:
 * executions begun in an earlier epoch are abandoned, and the row is registered again.
 */
final class EngineMembership {
    private static final Logger LOG = LoggerFactory.getLogger(EngineMembership.class);
    private static final String MACHINE = machine();

    private final LeaseRepository leases;
    private final Clock clock;
    private final String id = UUID.randomUUID().toString();
    private final long leaseMillis;
    private final boolean worker;
    private final AtomicLong epoch = new AtomicLong();
    private volatile long heldUntilNanos;
    private volatile boolean registered;

    EngineMembership(LeaseRepository leases, Clock clock, Duration lease, boolean worker) {
        this.leases = leases;
        this.clock = clock;
        this.leaseMillis = lease.toMillis();
        this.worker = worker;
    }

    /** This engine's id: the owner written on the runs it executes. */
    String id() {
        return id;
    }

    /** How often to renew: a third of the lease, at most every second. */
    Duration renewEvery() {
        return Duration.ofMillis(Math.min(1_000, leaseMillis / 3));
    }

    void register() {
        long start = System.nanoTime();
        long now = clock.millis();
        leases.register(new Lease(id, MACHINE, ProcessHandle.current().pid(), worker, now, now, leaseMillis));
        heldUntilNanos = start + leaseMillis * 1_000_000L;
        registered = true;
    }

    /** Renews the lease (a periodic task); a lost lease starts a new epoch. */
    void renew() {
        if (!registered) {
            return;
        }
        long start = System.nanoTime();
        if (leases.renew(id, clock.millis())) {
            heldUntilNanos = start + leaseMillis * 1_000_000L;
            return;
        }
        long lost = epoch.incrementAndGet();
        LOG.error("Engine {} was declared dead by another engine (its lease of {} ms ran out); the runs it was "
                + "executing have been taken over and are abandoned here (epoch {})", id, leaseMillis, lost);
        register();
    }

    /** The current epoch, captured by an execution when it starts. */
    long epoch() {
        return epoch.get();
    }

    /** Whether this engine may still write for an execution begun in {@code startedEpoch}. */
    boolean held(long startedEpoch) {
        return registered && epoch.get() == startedEpoch && System.nanoTime() < heldUntilNanos;
    }

    /** The ids of the engines alive now, this one included. */
    Set<String> liveIds() {
        Set<String> live = new HashSet<>();
        live.add(id);
        for (Lease l : alive(leases.list())) {
            live.add(l.id());
        }
        return live;
    }

    /** The leases of live engines that execute runs (workers). */
    List<Lease> liveWorkers() {
        return alive(leases.list()).stream().filter(Lease::worker).toList();
    }

    /** Leases that are neither expired nor held by a process known to be gone. */
    static List<Lease> alive(List<Lease> all) {
        long now = System.currentTimeMillis();
        return all.stream().filter(l -> !l.expiredAt(now) && !goneFromThisMachine(l)).toList();
    }

    /** Whether the lease's process ran on this machine and is no longer alive. */
    static boolean goneFromThisMachine(Lease l) {
        return MACHINE.equals(l.host()) && ProcessHandle.of(l.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    /** Deletes this engine's lease (at close): its runs are free to be taken over at once. */
    void leave() {
        if (registered) {
            registered = false;
            try {
                leases.remove(id);
            } catch (RuntimeException e) {
                // the database is gone already (closed first, or unreachable): the lease then runs
                // out by itself and the other engines take over after it
                LOG.info("Engine {} could not delete its lease at close ({}); it runs out within {} ms", id,
                        e.getMessage(), leaseMillis);
            }
        }
    }

    /** The lease rows of dead engines, deleted once their runs were taken over. */
    void forgetDead(Set<String> live) {
        for (Lease l : leases.list()) {
            if (!live.contains(l.id())) {
                leases.remove(l.id());
            }
        }
    }

    /**
     * This machine as seen by a process: the host name and the pid namespace, so that a pid is
     * only compared with processes that share its namespace (two containers with the same host
     * name never declare each other dead).
     */
    private static String machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        try {
            Path ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid"));
            return host + "/" + ns.getFileName();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // without a namespace to compare, never trust a pid: only the lease decides
            return host + "/" + UUID.randomUUID();
        }
    }
}
