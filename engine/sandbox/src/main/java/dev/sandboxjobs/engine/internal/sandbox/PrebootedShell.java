package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.Containers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default session's shell, booted in the background while a sandbox is created (or taken with
 * a warm-pool container), waiting for the default session's first command.
 */
final class PrebootedShell {
    private static final Logger LOG = LoggerFactory.getLogger(PrebootedShell.class);

    private final String sandboxId;
    private final Object lock = new Object();
    private CompletableFuture<ShellSession> prebooted;
    private String prebootedContainer;
    private boolean prebootedNeedsEnv;

    PrebootedShell(String sandboxId) {
        this.sandboxId = sandboxId;
    }

    /** Keeps {@code shell} (booting in {@code container}) for the default session; {@code needsEnv}: booted without the sandbox's variables. */
    void set(CompletableFuture<ShellSession> shell, String container, boolean needsEnv) {
        synchronized (lock) {
            discard();
            prebooted = shell;
            prebootedContainer = container;
            prebootedNeedsEnv = needsEnv;
        }
    }

    /**
     * Boots the default session's shell in {@code container} on {@code background}. It is booted
     * without the sandbox's variables: they (and secrets, resolved then) are exported on first use,
     * so that secrets given or variables set before the first command are the current ones.
     */
    void bootInBackground(Containers containers, String container, Executor background) {
        CompletableFuture<ShellSession> boot = new CompletableFuture<>();
        try {
            background.execute(() -> {
                try {
                    boot.complete(new ShellSession(containers, container, List.of(), SandboxRuntime.DEFAULT_CWD));
                } catch (Throwable e) {
                    boot.completeExceptionally(e);
                }
            });
            set(boot, container, true);
        } catch (RejectedExecutionException e) {
            // the engine is closing: the first command boots its shell itself
        }
    }

    void discard() {
        synchronized (lock) {
            if (prebooted != null) {
                prebooted.thenAccept(ShellSession::abandon);
                prebooted = null;
            }
        }
    }

    /**
     * The shell for use as a helper shell ({@link HelperShells}) while the default session has not
     * taken it: only a shell booted in {@code containerId} into which nothing was exported yet
     * (null otherwise, or if it failed). The default session then boots its own on first use. A
     * sandbox used only through argv calls and file operations (the testing pipeline's) so boots
     * one shell where it booted two.
     */
    ShellSession takeUnused(String containerId) {
        CompletableFuture<ShellSession> f;
        synchronized (lock) {
            f = prebooted;
            if (f == null || !prebootedNeedsEnv || !Objects.equals(prebootedContainer, containerId)) {
                return null;
            }
            prebooted = null;
        }
        return awaitBooted(f);
    }

    /**
     * The shell (null if there is none, it failed, or it was booted in another container than
     * {@code containerId}), with the sandbox's variables (when it was booted without them) and the
     * session's exported.
     */
    ShellSession take(String containerId, Supplier<Map<String, String>> sandboxVariables,
                      Map<String, String> sessionEnv) {
        CompletableFuture<ShellSession> f;
        boolean needsEnv;
        synchronized (lock) {
            f = prebooted;
            needsEnv = prebootedNeedsEnv;
            prebooted = null;
            if (f != null && !Objects.equals(prebootedContainer, containerId)) {
                f.thenAccept(ShellSession::abandon);
                return null;
            }
        }
        if (f == null) {
            return null;
        }
        ShellSession shell = awaitBooted(f);
        if (shell == null) {
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        try {
            if (needsEnv) {
                vars.putAll(sandboxVariables.get());
            }
            vars.putAll(sessionEnv);
        } catch (RuntimeException e) {
            // a secret that cannot be revealed: the caller gets the error, the shell does not leak
            shell.close();
            throw e;
        }
        if (!vars.isEmpty()) {
            try {
                shell.setEnv(vars);
            } catch (SandboxException e) {
                shell.close();
                throw e;
            } catch (RuntimeException e) {
                shell.close();
                return null;
            }
        }
        return shell;
    }

    /**
     * The shell {@code f} boots, once it has (up to 30 s): null, with the shell closed, if it failed,
     * took longer, or is no longer alive.
     */
    private ShellSession awaitBooted(CompletableFuture<ShellSession> f) {
        ShellSession shell;
        try {
            shell = f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("The default session's shell of sandbox {} did not boot in the background", sandboxId, e);
            f.thenAccept(ShellSession::close);
            return null;
        }
        if (!shell.isAlive()) {
            shell.close();
            return null;
        }
        return shell;
    }
}
