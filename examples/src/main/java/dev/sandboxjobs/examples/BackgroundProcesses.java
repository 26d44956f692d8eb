package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.LogEvent;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.ProcessOptions;
import dev.sandboxjobs.engine.ProcessStatus;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed's guide "Run background processes": start a long-running worker with its own
 * environment, list the running processes, follow its logs, stop it (its whole process tree).
 */
public final class BackgroundProcesses {
    private BackgroundProcesses() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns the first three lines the worker logged. */
    public static List<String> run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("background-processes")) {
            try {
                ProcessInfo worker = sandbox.startProcess(
                        "for i in $(seq 1 100); do echo \"$JOB_NAME tick $i\"; sleep 0.2; done",
                        ProcessOptions.builder().env("JOB_NAME", "indexer").build());
                ProcessInfo quick = sandbox.startProcess("echo done quickly");
                out.println("Started " + worker.id() + " (pid " + worker.pid() + ") and " + quick.id());

                List<String> lines;
                try (Stream<LogEvent> logs = sandbox.streamProcessLogs(worker.id())) {
                    lines = logs.flatMap(e -> e.data().lines()).limit(3).toList();
                }
                lines.forEach(line -> out.println("  log: " + line));

                for (ProcessInfo p : sandbox.listProcesses(ProcessStatus.RUNNING)) {
                    out.println("Running: " + p.id() + " " + p.command());
                }
                sandbox.killProcess(worker.id());
                out.println("After kill: " + sandbox.getProcess(worker.id()).status());
                out.println("Quick one logged: " + sandbox.getProcessLogs(quick.id()).stdout().trim());
                return lines;
            } finally {
                sandbox.destroy();
            }
        }
    }
}
