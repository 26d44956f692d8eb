package dev.sandboxjobs.engine.testing;

import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import java.nio.file.Path;
import java.time.Duration;

/** Engines for tests: a database in the given directory, the test image, small limits. */
public final class TestEngines {
    private TestEngines() {}

    public static SandboxEngine.Builder builder(Path dir) {
        return SandboxEngine.builder()
                .dataDirectory(dir)
                .image(TestImages.runtime())
                .defaults(SandboxDefaults.builder().memoryBytes(512L << 20).label("dev.sandboxjobs.owner", "sdk-tests").build())
                .maintenanceInterval(Duration.ofSeconds(30));
    }

    public static SandboxEngine create(Path dir) {
        return builder(dir).build();
    }
}
