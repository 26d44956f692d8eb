package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.PrintStream;

/**
 * The seed's "Getting started": run Python in a sandbox, write a file and read it back.
 *
 * <p>Run {@link #main} with Docker running and the runtime image built ({@code ./sandbox-jobs setup}).
 */
public final class GettingStarted {
    private GettingStarted() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example on {@code engine}, printing to {@code out}; returns the file's content. */
    public static String run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("getting-started")) {
            try {
                ExecResult python = sandbox.exec("python3 -c \"print(2 + 2)\"");
                out.println("Python says: " + python.stdout().trim() + " (exit code " + python.exitCode() + ")");

                sandbox.writeFile("/workspace/hello.txt", "Hello, Sandbox!");
                String content = sandbox.readFile("/workspace/hello.txt").content();
                out.println("File says: " + content);
                return content;
            } finally {
                sandbox.destroy();
            }
        }
    }
}
