package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecutionSession;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SessionOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seed's Sessions API and concept page: two sessions of one sandbox, each its own shell with
 * its own directory and variables, running in parallel and sharing files; every method works on a
 * session, the code interpreter included.
 */
public final class Sessions {
    private Sessions() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns what each session printed for its NODE_ENV and directory. */
    public static List<String> run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("sessions")) {
            try {
                sandbox.exec("mkdir -p /workspace/prod /workspace/test");
                ExecutionSession prod = sandbox.createSession(SessionOptions.builder().id("prod")
                        .env("NODE_ENV", "production").cwd("/workspace/prod").build());
                ExecutionSession test = sandbox.createSession(SessionOptions.builder().id("test")
                        .env("NODE_ENV", "test").cwd("/workspace/test").build());

                CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> prod.exec("echo \"$NODE_ENV in $(pwd)\"").stdout().trim());
                CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> test.exec("echo \"$NODE_ENV in $(pwd)\"").stdout().trim());
                List<String> seen = List.of(a.join(), b.join());
                seen.forEach(line -> out.println("session says: " + line));

                test.exec("export DEBUG=1 && cd /tmp");
                out.println("test keeps its shell state: " + test.exec("echo \"DEBUG=$DEBUG in $(pwd)\"").stdout().trim());
                out.println("prod does not see it: " + prod.exec("echo \"DEBUG=${DEBUG:-unset}\"").stdout().trim());

                prod.writeFile("shared.txt", "written by prod");
                out.println("test reads prod's file: " + test.readFile("/workspace/prod/shared.txt").content());
                out.println("code runs in the session: " + prod.runCode("import os\nos.environ['NODE_ENV'], os.getcwd()").text());

                out.println("sessions: " + sandbox.listSessions());
                sandbox.deleteSession("test");
                out.println("after delete: " + sandbox.listSessions());
                return seen;
            } finally {
                sandbox.destroy();
            }
        }
    }
}
