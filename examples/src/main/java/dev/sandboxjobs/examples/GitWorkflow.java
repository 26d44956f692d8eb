package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.GitCheckoutOptions;
import dev.sandboxjobs.engine.GitCheckoutResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.PrintStream;
import java.util.List;

/**
 * The seed's guide "Work with Git": clone a repository (a branch, shallow), build in it, commit a
 * change on a new branch. Without an argument the repository is one the example makes inside the
 * sandbox (served by path), so it runs without network; give a URL to clone a real one.
 */
public final class GitWorkflow {
    private GitWorkflow() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out, args.length > 0 ? args[0] : null);
        }
    }

    /** Runs the example; returns the log of the new branch, newest first. */
    public static List<String> run(SandboxEngine engine, PrintStream out, String repoUrl) {
        try (Sandbox sandbox = engine.getSandbox("git-workflow")) {
            try {
                String url = repoUrl != null ? repoUrl : demoRepository(sandbox);
                GitCheckoutResult repo = sandbox.gitCheckout(url, GitCheckoutOptions.builder()
                        .branch("main").depth(1).targetDir("/workspace/app").build());
                out.println("Cloned " + repo.url() + " (" + repo.branch() + ") at " + repo.commit().substring(0, 12));
                out.println("Build: " + sandbox.exec("cd /workspace/app && sh build.sh").stdout().trim());

                sandbox.exec(List.of("git", "-C", "/workspace/app", "checkout", "-q", "-b", "feature/greeting"));
                sandbox.writeFile("/workspace/app/GREETING", "hello from a sandbox\n");
                sandbox.exec(List.of("git", "-C", "/workspace/app", "add", "GREETING"));
                sandbox.exec(List.of("git", "-C", "/workspace/app", "-c", "user.name=Sandbox", "-c",
                        "user.email=sandbox@example.com", "commit", "-q", "-m", "Add a greeting"));
                List<String> log = sandbox.exec(List.of("git", "-C", "/workspace/app", "log", "--format=%s"))
                        .stdout().lines().toList();
                out.println("Branch feature/greeting: " + log);
                return log;
            } finally {
                sandbox.destroy();
            }
        }
    }

    /** A repository with a main branch and a build script, made in the sandbox; returns its file URL. */
    static String demoRepository(Sandbox sandbox) {
        // under /tmp: the sandbox's user (uid 1000 by default) may not write /srv
        sandbox.exec("set -e; mkdir -p /tmp/demo/src && cd /tmp/demo/src && git init -q -b main"
                + " && printf 'echo built $(ls | wc -l) files\\n' > build.sh && echo '# demo' > README.md"
                + " && git add . && git -c user.name=Demo -c user.email=demo@example.com commit -q -m 'Initial commit'"
                + " && git clone -q --bare /tmp/demo/src /tmp/demo/demo.git");
        return "file:///tmp/demo/demo.git";
    }
}
