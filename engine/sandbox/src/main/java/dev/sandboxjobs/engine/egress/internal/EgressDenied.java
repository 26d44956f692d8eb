package dev.sandboxjobs.engine.egress.internal;

import java.io.IOException;

/** A connection the policy refused after resolution (the proxy answers it with a 403). */
final class EgressDenied extends IOException {
    EgressDenied(String reason) {
        super(reason);
    }

    /** The denial in {@code failure}'s causes, or null. */
    static EgressDenied in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EgressDenied d) {
                return d;
            }
        }
        return null;
    }
}
