package dev.sandboxjobs.engine.setup.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The argv of setup's apt-get calls. They wait up to five minutes for the package manager's lock:
 * on a freshly booted machine unattended-upgrades or cloud-init often hold it for a while, and
 * without the wait apt-get fails at once with "Could not get lock".
 */
final class AptGet {
    static final String LOCK_WAIT = "DPkg::Lock::Timeout=300";

    private AptGet() {}

    static List<String> argv(String... arguments) {
        List<String> argv = new ArrayList<>(List.of("apt-get", "-o", LOCK_WAIT));
        argv.addAll(Arrays.asList(arguments));
        return List.copyOf(argv);
    }
}
