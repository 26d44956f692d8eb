package dev.sandboxjobs.engine.reliability;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.JobEngine;
import java.nio.file.Files;
import java.nio.file.Path;

/** A child JVM running jobs on a data directory (holding its engine lock) until it is killed. args: data dir, ready file. */
public final class DatabaseHolderChild {
    private DatabaseHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        SandboxEngine engine = TestEngines.create(Path.of(args[0]));
        JobEngine.over(engine).worker().start();
        Files.writeString(Path.of(args[1]), Long.toString(ProcessHandle.current().pid()));
        Thread.sleep(Long.MAX_VALUE);
    }
}
