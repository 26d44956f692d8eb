package dev.sandboxjobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The library's error messages end with what to call next in Java ("List runs with
 * jobs.list(...)"); on the command line the next step is a command. This table says each hint
 * again in the command line's words.
 */
final class CliMessages {
    private static final Map<String, String> HINTS = new LinkedHashMap<>();

    static {
        HINTS.put("List runs with jobs.list(...).", "List runs with `sandbox-jobs runs list`.");
        HINTS.put("list them with jobs.artifacts(runId).", "list them with `sandbox-jobs runs artifacts RUN_ID`.");
        HINTS.put("list them with jobs.schedules().", "list them with `sandbox-jobs schedule list`.");
        HINTS.put("register it with jobs.register(...) before submitting.",
                "the command line knows the built-in workflows (testing-pipeline, exec); other workflows are run by the"
                        + " application that registers them.");
        HINTS.put("Get a new one with engine.getSandbox(id).", "Make a new one with `sandbox-jobs sandboxes create ID`.");
        HINTS.put("wake it with engine.getSandbox(id).", "wake it with `sandbox-jobs sandboxes exec ID -- true`.");
        HINTS.put("Build a new SandboxEngine.", "Run the command again.");
        HINTS.put("create a new one.", "run the command again.");
    }

    private CliMessages() {}

    /** The message with the library's hints said in the command line's words. */
    static String translate(String message) {
        if (message == null) {
            return null;
        }
        String result = message;
        for (Map.Entry<String, String> hint : HINTS.entrySet()) {
            result = result.replace(hint.getKey(), hint.getValue());
        }
        return result;
    }
}
