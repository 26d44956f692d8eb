package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ProcessStatus;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import dev.sandboxjobs.storage.sandbox.ProcessRecord;
import dev.sandboxjobs.storage.sandbox.SandboxRecord;
import dev.sandboxjobs.storage.sandbox.SandboxRepository;

/**
 * What counts as activity besides calls, so that an idle sandbox is not put to sleep (which stops
 * its container) while it holds work a sleep would lose: a running background process (a web
 * server behind a preview URL), a live code context, an open file watch or bucket mount, an open
 * preview connection. The maximum lifetime still applies.
 */
final class LiveWork {
    private LiveWork() {}

    /** Whether this engine's runtime of a sandbox holds live work now. */
    static boolean keepsAwake(SandboxRuntime sandbox) {
        if (sandbox.holds().held()) {
            return true;
        }
        CodeInterpreter interpreter = sandbox.interpreterIfRunning();
        if (interpreter != null && !interpreter.listCodeContexts().isEmpty()) {
            return true;
        }
        return sandbox.processes.anyRunning();
    }

    /**
     * For a sandbox this engine has not loaded (another engine may run it): whether the database
     * records a background process of its current container as running.
     */
    static boolean recordedProcessesRun(SandboxRepository repo, SandboxRecord record) {
        for (ProcessRecord p : repo.listProcesses(record.id())) {
            if (p.status().equals(ProcessStatus.RUNNING.name()) && p.generation() == record.generation()) {
                return true;
            }
        }
        return false;
    }
}
