package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.model.Container;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.internal.docker.Containers;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Started containers waiting to become sandboxes, per {@link Key} (image and the container
 * settings a container cannot change later). Each holds a booted shell for the default session,
 * so that a sandbox taken from the pool answers its first command without a Docker exec. A pooled
 * container serves one sandbox only: it leaves the pool when taken and is never returned.
 *
 * <p>Pooled containers carry the engine label and {@value Labels#POOL}{@code =<owner>} (this
 * process), not a sandbox label: Docker labels cannot change after creation, so the sandbox's own
 * labels live in its database record. The orphan reaper removes a pooled container that no
 * sandbox records once its owner process is gone; {@link #close()} removes the idle ones.
 *
 * <p>A taken container is replaced at once, in the background: up to {@value #MAX_PARALLEL_STARTS}
 * containers start side by side, so that a burst of new sandboxes that drains the pool finds it
 * full again after about one container start.
 */
public final class WarmPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    /** The label marking a pooled container, with its owner process as {@code host/pid/startMillis}. */
    static final String OWNER = owner();
    /** Containers started at once when refilling (fewer when the pools hold fewer). */
    static final int MAX_PARALLEL_STARTS = 4;
    /** How long a new sandbox waits for a starting container before it is created cold. */
    static final int CLAIM_WAIT_SECONDS = 30;

    /** What a pooled container must match to serve a sandbox. */
    record Key(String image, long memoryBytes, Double cpus, long pidsLimit, String network, List<VolumeMount> volumes,
               Long diskBytes, String user) {
        static Key of(String image, SandboxSettings s) {
            return new Key(image, s.memoryBytes(), s.cpus(), s.pidsLimit(), s.containerNetwork(), s.volumes(),
                    s.diskBytes(), s.user());
        }
    }

    /** A started container with its default session's shell already booted (env empty, cwd /workspace). */
    record Pooled(String containerId, ShellSession shell) {}

    private final Containers containers;
    private final String engineId;
    private final Map<Key, Integer> sizes = new LinkedHashMap<>();
    private final Map<Key, Deque<Pooled>> ready = new LinkedHashMap<>();
    private final Map<Key, Integer> starting = new LinkedHashMap<>();
    /** Sandboxes waiting for a container being started, first come first served. */
    private final Map<Key, Deque<CompletableFuture<Pooled>>> waiters = new LinkedHashMap<>();
    private final ExecutorService filler;
    private volatile boolean closed;

    /**
     * @param pools how many containers to keep per set of options (resolved over {@code defaults})
     */
    public WarmPool(Containers containers, String engineId, String defaultImage, SandboxDefaults defaults,
                    Map<SandboxOptions, Integer> pools) {
        this.containers = containers;
        this.engineId = engineId;
        pools.forEach((options, size) -> {
            Key key = Key.of(options.image() != null ? options.image() : defaultImage,
                    SandboxSettings.resolve(defaults, options));
            sizes.merge(key, size, Integer::sum);
        });
        // the missing containers start side by side, so that a pool drained by a burst is full again
        // after about one start rather than one start per container
        int total = sizes.values().stream().mapToInt(Integer::intValue).sum();
        AtomicInteger n = new AtomicInteger();
        this.filler = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_PARALLEL_STARTS, total)), r -> {
            Thread t = new Thread(r, "sandbox-jobs-warm-pool-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        sizes.keySet().forEach(this::refill);
    }

    boolean isEmpty() {
        return sizes.isEmpty();
    }

    /**
     * A pooled container for these settings, or empty (none matches, or none is ready or starting);
     * refills behind. With none ready but one starting that no other sandbox waits for, waits for
     * it: it began before this call, so it is ready before a container created now would be, and
     * a burst larger than the pool makes no more containers than it needs.
     */
    Optional<Pooled> take(String image, SandboxSettings settings) {
        Key key = Key.of(image, settings);
        if (closed || !sizes.containsKey(key)) {
            return Optional.empty();
        }
        Pooled p;
        CompletableFuture<Pooled> claim = null;
        synchronized (this) {
            Deque<Pooled> q = ready.get(key);
            p = q == null ? null : q.pollFirst();
            Deque<CompletableFuture<Pooled>> w = waiters.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (p == null && starting.getOrDefault(key, 0) > w.size()) {
                claim = new CompletableFuture<>();
                w.addLast(claim);
            }
        }
        refill(key);
        if (claim != null) {
            p = await(key, claim);
        }
        if (p != null && !p.shell().isAlive()) {
            discard(p);
            return Optional.empty();
        }
        return Optional.ofNullable(p);
    }

    /** The container a start hands to {@code claim}, or null (it failed, the pool closed, or it took too long). */
    private Pooled await(Key key, CompletableFuture<Pooled> claim) {
        try {
            return claim.get(CLAIM_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Waiting for a starting warm-pool container failed; creating the sandbox cold", e);
        }
        synchronized (this) {
            Deque<CompletableFuture<Pooled>> w = waiters.get(key);
            if (w != null) {
                w.remove(claim);
            }
            // a start may have handed its container over meanwhile
            claim.complete(null);
        }
        return claim.getNow(null);
    }

    /** How many containers are ready now (for tests and the benchmark). */
    public synchronized int readyCount() {
        return ready.values().stream().mapToInt(Deque::size).sum();
    }

    /** The ids of the containers ready now. */
    public synchronized List<String> readyContainers() {
        List<String> ids = new ArrayList<>();
        ready.values().forEach(q -> q.forEach(p -> ids.add(p.containerId())));
        return ids;
    }

    /** Whether this pool holds the container now (not yet handed to a sandbox). */
    synchronized boolean holds(String containerId) {
        return ready.values().stream().anyMatch(q -> q.stream().anyMatch(p -> p.containerId().equals(containerId)));
    }

    private void refill(Key key) {
        int missing;
        synchronized (this) {
            if (closed) {
                return;
            }
            // starts promised to waiting sandboxes do not count: the pool gets containers of its own
            int have = ready.computeIfAbsent(key, k -> new ArrayDeque<>()).size() + starting.getOrDefault(key, 0)
                    - waiters.computeIfAbsent(key, k -> new ArrayDeque<>()).size();
            missing = sizes.get(key) - have;
            if (missing <= 0) {
                return;
            }
            starting.merge(key, missing, Integer::sum);
        }
        for (int i = 0; i < missing; i++) {
            try {
                filler.execute(() -> fillOne(key));
            } catch (RejectedExecutionException e) {
                return; // closing
            }
        }
    }

    private void fillOne(Key key) {
        Pooled p = null;
        try {
            if (!closed) {
                p = start(key);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not start a container for the warm pool ({}); sandboxes are created cold meanwhile: {}",
                    key.image(), e.getMessage());
            LOG.debug("Warm pool start failed", e);
        }
        boolean keep;
        synchronized (this) {
            starting.merge(key, -1, Integer::sum);
            Deque<CompletableFuture<Pooled>> w = waiters.computeIfAbsent(key, k -> new ArrayDeque<>());
            keep = p != null && !closed;
            if (keep) {
                CompletableFuture<Pooled> first = w.pollFirst();
                if (first == null || !first.complete(p)) {
                    ready.get(key).addLast(p);
                }
            } else if (w.size() > starting.get(key)) {
                // fewer starts left than sandboxes waiting for one: the last comer is created cold
                w.pollLast().complete(null);
            }
        }
        if (p != null && !keep) {
            discard(p);
        }
    }

    private Pooled start(Key key) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.ENGINE, engineId);
        labels.put(Labels.POOL, OWNER);
        String name = "sandbox-jobs-pool-" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(6));
        String cid = containers.createAndStart(new Containers.Spec(name, key.image(), labels, key.memoryBytes(),
                key.cpus(), key.pidsLimit(), key.network(), key.volumes(), key.diskBytes(), key.user()));
        try {
            return new Pooled(cid, new ShellSession(containers, cid, List.of(), SandboxRuntime.DEFAULT_CWD));
        } catch (RuntimeException e) {
            containers.remove(cid);
            throw e;
        }
    }

    /** Removes a container taken but not used. */
    void discard(Pooled p) {
        try {
            p.shell().close();
        } catch (RuntimeException e) {
            LOG.debug("Closing a pooled shell failed", e);
        }
        containers.remove(p.containerId());
    }

    /** Stops refilling and removes the containers still waiting. Safe twice. */
    @Override
    public void close() {
        List<Pooled> idle = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ready.values().forEach(idle::addAll);
            ready.clear();
            waiters.values().forEach(w -> w.forEach(c -> c.complete(null)));
            waiters.clear();
        }
        // no interrupt: a start in progress finishes and its container is removed below (an interrupted
        // Docker call could leave a container whose id was never returned)
        filler.shutdown();
        try {
            filler.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            ready.values().forEach(idle::addAll); // a start that finished while closing
            ready.clear();
        }
        for (Pooled p : idle) {
            try {
                discard(p);
            } catch (RuntimeException e) {
                LOG.warn("Could not remove pooled container {}; the orphan reaper will", p.containerId(), e);
            }
        }
    }

    /**
     * Whether a pooled container (not recorded by any sandbox) may be removed: its owner process,
     * on this host, is gone. Containers of a live process, or of another host, are left alone.
     */
    static boolean ownerGone(Container c) {
        String owner = c.getLabels() == null ? null : c.getLabels().get(Labels.POOL);
        if (owner == null || owner.equals(OWNER)) {
            return false;
        }
        String[] parts = owner.split("/");
        if (parts.length != 3 || !parts[0].equals(hostName())) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            long started = Long.parseLong(parts[2]);
            return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                    .map(i -> Math.abs(i.toEpochMilli() - started) > 1000).orElse(true);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String owner() {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return hostName() + "/" + self.pid() + "/" + started;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
