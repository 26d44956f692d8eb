package dev.sandboxjobs.engine.internal.docker;

import dev.sandboxjobs.engine.egress.internal.EgressService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Starts a created proxied container with the least wait: the guard container is made sure of
 * while the container starts, and the installation of its firewall rules overlaps the container's preparation
 * ({@link ContainerPreparation}), the caller's {@code whenPrepared} (which may boot the session
 * shell: a process that waits for commands) and the proxy learning the container's address. No
 * command runs before all of them are done: the caller gets the container only on return. (What
 * the image runs at start already runs before the rules; the rules reset any connection it opened.)
 */
final class GuardedStart {
    /** Runs a container's preparation next to the installation of its firewall rules (daemon threads; idle ones end). */
    private static final ExecutorService PREPARATIONS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-jobs-container-start");
        t.setDaemon(true);
        return t;
    });

    private GuardedStart() {}

    static void start(Containers containers, String id, Containers.Spec spec, EgressService egress,
                      EgressService.Attachment attachment, Consumer<String> whenPrepared) {
        EgressService.Guarding guarding = egress.beginGuard(id, attachment);
        containers.client().startContainerCmd(id).exec(); // nothing to undo if it fails: no rules installed yet
        CompletableFuture<Void> preparation = CompletableFuture.runAsync(() -> {
            ContainerPreparation.prepare(containers, id, spec, attachment);
            whenPrepared.accept(id);
            egress.learnAddresses();
        }, PREPARATIONS);
        RuntimeException failure = null;
        try {
            egress.finishGuard(guarding);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            preparation.join();
        } catch (CompletionException e) {
            if (failure == null) {
                failure = e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (failure != null) {
            throw failure; // the guard's failure first: without rules the container must not be used
        }
    }
}
