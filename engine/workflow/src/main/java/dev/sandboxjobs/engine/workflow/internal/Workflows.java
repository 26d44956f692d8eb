package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The workflows registered in this process, by name. */
final class Workflows {
    private final Map<String, Workflow> byName = new ConcurrentHashMap<>();

    /** Registers {@code workflow} under its name, replacing one of the same name. */
    void register(Workflow workflow) {
        byName.put(workflow.name(), workflow);
    }

    /** The workflow named {@code name}, or null. */
    Workflow find(String name) {
        return byName.get(name);
    }

    /** The workflow named {@code name}; {@code UNKNOWN_WORKFLOW} when none is registered. */
    Workflow get(String name) {
        Workflow wf = byName.get(name);
        if (wf == null) {
            throw new JobException(JobErrorCode.UNKNOWN_WORKFLOW, "No workflow named \"" + name
                    + "\" is registered; register it with jobs.register(...) before submitting. Known: "
                    + byName.keySet());
        }
        return wf;
    }
}
