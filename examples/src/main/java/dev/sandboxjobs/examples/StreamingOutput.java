package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecEvent;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed's guide "Stream output": a build's output line by line as it happens, once with
 * {@code execStream} (events START, STDOUT/STDERR, COMPLETE) and once with an {@code onOutput}
 * callback on {@code exec}.
 */
public final class StreamingOutput {
    private StreamingOutput() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns the types of the events seen, in order. */
    public static List<ExecEvent.Type> run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("streaming-output")) {
            try {
                List<ExecEvent.Type> types = new ArrayList<>();
                String build = "for step in compile test package; do echo \"[$step] ok\"; sleep 0.3; done; echo 'warning: 1 deprecation' >&2";
                try (Stream<ExecEvent> events = sandbox.execStream(build)) {
                    events.forEach(e -> {
                        types.add(e.type());
                        switch (e.type()) {
                            case START -> out.println("started: " + e.command());
                            case STDOUT -> out.print("out> " + e.data());
                            case STDERR -> out.print("err> " + e.data());
                            case COMPLETE -> out.println("exit code " + e.exitCode());
                            case ERROR -> out.println("failed: " + e.error().getMessage());
                        }
                    });
                }
                ExecResult r = sandbox.exec("for i in 1 2 3; do echo \"chunk $i\"; sleep 0.2; done",
                        ExecOptions.builder().onOutput((stream, data) -> out.print("callback " + stream + ": " + data)).build());
                out.println("exec returned " + r.exitCode() + " with " + r.stdout().lines().count() + " lines kept");
                return types;
            } finally {
                sandbox.destroy();
            }
        }
    }
}
