package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.BackupOptions;
import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.SnapshotOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's backup guide, and snapshots: back up a project directory (leaving node_modules out),
 * break it, restore it; then snapshot a sandbox with a tool installed and start two sandboxes from
 * the snapshot, as a test matrix would.
 */
public final class BackupsAndSnapshots {
    private BackupsAndSnapshots() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns what the restored file holds and what each fork printed. */
    public static List<String> run(SandboxEngine engine, PrintStream out) {
        List<String> seen = new ArrayList<>();
        Sandbox sandbox = engine.getSandbox("backups-and-snapshots");
        List<Sandbox> forks = new ArrayList<>();
        SandboxSnapshot snapshot = null;
        try {
            sandbox.exec("mkdir -p /workspace/app/node_modules/dep && echo 'version 1' > /workspace/app/main.txt"
                    + " && echo cache > /workspace/app/node_modules/dep/index.js");
            DirectoryBackup backup = sandbox.createBackup("/workspace/app",
                    BackupOptions.builder().name("before the change").exclude("node_modules").build());
            out.println("Backup " + backup.id() + " of " + backup.dir() + ": " + backup.sizeBytes() + " bytes, until "
                    + backup.expiresAt());

            sandbox.exec("echo 'broken' > /workspace/app/main.txt");
            sandbox.restoreBackup(backup);
            String restored = sandbox.readFile("/workspace/app/main.txt").content().trim();
            seen.add(restored);
            out.println("After restore: main.txt says '" + restored + "', node_modules is "
                    + (sandbox.exists("/workspace/app/node_modules") ? "there" : "gone (excluded)"));
            engine.deleteBackup(backup.id());

            // a tool installed into the user's home (uid 1000 by default may not write /usr/local): the snapshot keeps it
            sandbox.exec("mkdir -p ~/.local/bin && printf '#!/bin/sh\\necho tool 2.1 on $(hostname)\\n' > ~/.local/bin/tool"
                    + " && chmod +x ~/.local/bin/tool");
            snapshot = sandbox.snapshot(SnapshotOptions.named("with tool"));
            out.println("Snapshot " + snapshot.id() + " (" + snapshot.image() + ")");
            for (String name : List.of("matrix-a", "matrix-b")) {
                Sandbox fork = engine.getSandbox("backups-" + name, SandboxOptions.builder().fromSnapshot(snapshot).build());
                forks.add(fork);
                String says = fork.exec("~/.local/bin/tool").stdout().trim();
                seen.add(says.replaceAll(" on .*", ""));
                out.println(name + ": " + says);
            }
            return seen;
        } finally {
            forks.forEach(Sandbox::destroy);
            sandbox.destroy();
            if (snapshot != null) {
                engine.deleteSnapshot(snapshot.id());
            }
        }
    }
}
