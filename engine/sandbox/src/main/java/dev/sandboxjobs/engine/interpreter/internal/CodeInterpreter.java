package dev.sandboxjobs.engine.interpreter.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code interpreter of one sandbox: its contexts, each backed by one executor process, and
 * one pre-warmed executor per language so that creating a context does not wait for an
 * interpreter to start. A sandbox delegates {@code createCodeContext}, {@code runCode},
 * {@code listCodeContexts} and {@code deleteCodeContext} here.
 *
 * <p>A warm executor starts in the container's default directory with the sandbox's environment;
 * taking it for a context sends a {@code configure} request (cwd, env vars), and a replacement
 * starts in the background. An executor that died or had to be killed is replaced on the next
 * run of its context, which then starts with fresh state (the failed run said so).
 */
public final class CodeInterpreter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodeInterpreter.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ExecutorLauncher launcher;
    private final Clock clock;
    private final String installDir;
    private final Set<CodeLanguage> prewarmed = ConcurrentHashMap.newKeySet();
    private final boolean warmAfterUse;
    private final Supplier<Map<String, String>> sandboxEnv;
    private final Map<String, Entry> contexts = new ConcurrentHashMap<>();
    private final Map<CodeLanguage, CompletableFuture<ExecutorClient>> warm = new EnumMap<>(CodeLanguage.class);
    private final ExecutorService starter = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "code-interpreter-start-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param launcher starts executor processes in the sandbox
     * @param clock for context timestamps
     * @param installDir where the executors are installed, or null for {@link ExecutorCommand#INSTALL_DIR}
     * @param prewarmed languages to keep one started executor ready for
     */
    public CodeInterpreter(ExecutorLauncher launcher, Clock clock, String installDir, Set<CodeLanguage> prewarmed) {
        this(launcher, clock, installDir, prewarmed, Map::of);
    }

    /**
     * @param sandboxEnv the sandbox-level environment variables (set with {@code setEnvVars}) at
     *     the time a context is created; a context's own {@code envVars} win over them
     */
    public CodeInterpreter(ExecutorLauncher launcher, Clock clock, String installDir, Set<CodeLanguage> prewarmed,
            Supplier<Map<String, String>> sandboxEnv) {
        this(launcher, clock, installDir, prewarmed, sandboxEnv, false);
    }

    /**
     * @param warmAfterUse whether a language's first context (created cold when the language is not
     *     pre-warmed) also starts keeping one executor of that language ready for the next context
     */
    public CodeInterpreter(ExecutorLauncher launcher, Clock clock, String installDir, Set<CodeLanguage> prewarmed,
            Supplier<Map<String, String>> sandboxEnv, boolean warmAfterUse) {
        this.warmAfterUse = warmAfterUse;
        this.sandboxEnv = Objects.requireNonNull(sandboxEnv, "sandboxEnv");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.installDir = installDir;
        this.prewarmed.addAll(prewarmed);
        this.prewarmed.forEach(this::refill);
    }

    /** Creates a context and its executor (taking the warm one when there is one). */
    public CodeContext createCodeContext(CreateContextOptions options) {
        ensureOpen();
        CodeContext context = new CodeContext(UUID.randomUUID().toString(), options.language(), cwd(options),
                clock.instant());
        Entry entry = new Entry(context, options);
        entry.client = start(options);
        contexts.put(context.id(), entry);
        return context;
    }

    /** Runs code in the given context, or in the default context of the language. */
    public Execution runCode(String code, RunCodeOptions options) {
        return runCode(code, options, null, null);
    }

    /**
     * Runs code in the given context or, without one, in the default context named
     * {@code defaultId} (default {@code default-<language>}), created on first use with
     * {@code defaultOptions} (default: the language's defaults), so that each session has its own.
     */
    public Execution runCode(String code, RunCodeOptions options, String defaultId, CreateContextOptions defaultOptions) {
        ensureOpen();
        Objects.requireNonNull(code, "code");
        Entry entry;
        if (options.context() != null) {
            entry = contexts.get(options.context().id());
            if (entry == null) {
                throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, "No code context " + options.context().id()
                        + " in this sandbox: it was deleted or belongs to another sandbox. Create one with"
                        + " createCodeContext.");
            }
        } else {
            entry = defaultContext(options.language(), defaultId == null ? defaultContextId(options.language()) : defaultId,
                    defaultOptions == null ? CreateContextOptions.of(options.language()) : defaultOptions);
        }
        return entry.run(code, options);
    }

    /** The id of a language's default context in the sandbox's default session. */
    public static String defaultContextId(CodeLanguage language) {
        return "default-" + language.id();
    }

    /** The live contexts, oldest first, default contexts included once used. */
    public List<CodeContext> listCodeContexts() {
        List<CodeContext> list = new ArrayList<>();
        contexts.values().forEach(entry -> list.add(entry.context.usedAt(entry.lastUsed)));
        list.sort(Comparator.comparing(CodeContext::createdAt).thenComparing(CodeContext::id));
        return list;
    }

    /** Deletes a context and stops its executor. */
    public void deleteCodeContext(String contextId) {
        Entry entry = contexts.remove(contextId);
        if (entry == null) {
            throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, "No code context " + contextId
                    + " in this sandbox; listCodeContexts shows the live ones.");
        }
        entry.close();
    }

    private Entry defaultContext(CodeLanguage language, String id, CreateContextOptions options) {
        Entry existing = contexts.get(id);
        if (existing != null) {
            return existing;
        }
        synchronized (contexts) {
            existing = contexts.get(id);
            if (existing != null) {
                return existing;
            }
            Entry entry = new Entry(new CodeContext(id, language, cwd(options), clock.instant()), options);
            entry.client = start(options);
            contexts.put(id, entry);
            return entry;
        }
    }

    private ExecutorClient start(CreateContextOptions options) {
        ExecutorClient client = takeWarm(options.language(), options.timeout());
        if (client == null) {
            client = launchReady(options.language(), options.timeout());
            if (warmAfterUse && prewarmed.add(options.language())) {
                refill(options.language());
            }
        }
        try {
            Map<String, String> env = new LinkedHashMap<>(sandboxEnv.get());
            env.putAll(options.envVars());
            client.configure(cwd(options), env, options.timeout());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private static String cwd(CreateContextOptions options) {
        return options.cwd() == null ? CreateContextOptions.DEFAULT_CWD : options.cwd();
    }

    private ExecutorClient takeWarm(CodeLanguage language, Duration timeout) {
        CompletableFuture<ExecutorClient> future;
        synchronized (warm) {
            future = warm.remove(language);
        }
        if (future == null) {
            return null;
        }
        refill(language);
        try {
            ExecutorClient client = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client.isAlive() ? client : null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("warm {} executor was not usable; starting one", language.id(), e);
            future.thenAccept(ExecutorClient::close);
            return null;
        }
    }

    private void refill(CodeLanguage language) {
        if (closed || !prewarmed.contains(language)) {
            return;
        }
        CompletableFuture<ExecutorClient> future = CompletableFuture.supplyAsync(
                () -> launchReady(language, CreateContextOptions.DEFAULT_TIMEOUT), starter);
        synchronized (warm) {
            if (closed) {
                future.thenAccept(ExecutorClient::close);
                return;
            }
            CompletableFuture<ExecutorClient> previous = warm.put(language, future);
            if (previous != null) {
                previous.thenAccept(ExecutorClient::close);
            }
        }
    }

    private ExecutorClient launchReady(CodeLanguage language, Duration timeout) {
        ExecutorClient client = ExecutorClient.launch(launcher, language,
                ExecutorCommand.forLanguage(language, installDir, null));
        client.awaitReady(timeout);
        return client;
    }

    private void ensureOpen() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "The code interpreter of this sandbox is closed.");
        }
    }

    /** Stops every executor, warm ones included. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<CompletableFuture<ExecutorClient>> pending;
        synchronized (warm) {
            pending = new ArrayList<>(warm.values());
            warm.clear();
        }
        pending.forEach(future -> future.thenAccept(ExecutorClient::close));
        contexts.values().forEach(Entry::close);
        contexts.clear();
        starter.shutdown();
    }

    private final class Entry {
        final CodeContext context;
        final CreateContextOptions options;
        volatile ExecutorClient client;
        volatile Instant lastUsed;

        Entry(CodeContext context, CreateContextOptions options) {
            this.context = context;
            this.options = options;
            this.lastUsed = context.createdAt();
        }

        Execution run(String code, RunCodeOptions runOptions) {
            lastUsed = clock.instant();
            ExecutorClient current;
            String notice = null;
            synchronized (this) {
                current = client;
                if (current == null || !current.isAlive()) {
                    if (current != null) {
                        if (!current.deathReported()) {
                            notice = "[sandbox-jobs] The " + context.language().id() + " interpreter of this context had"
                                    + " stopped (the sandbox slept or the process was killed) and was restarted:"
                                    + " variables and imports from earlier runs are gone.";
                        }
                        current.close();
                    }
                    current = start(options);
                    client = current;
                }
            }
            return current.execute(code, runOptions, notice);
        }

        void close() {
            ExecutorClient current = client;
            if (current != null) {
                current.close();
            }
        }
    }
}
