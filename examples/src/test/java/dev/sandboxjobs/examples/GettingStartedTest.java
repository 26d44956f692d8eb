package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class GettingStartedTest {
    @TempDir Path dir;

    @Test
    void gettingStartedRunsPythonAndReadsBackTheFileItWrote() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dir).image(TestImages.runtime()).build()) {
            String content = GettingStarted.run(engine, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(content).isEqualTo("Hello, Sandbox!");
            assertThat(engine.listSandboxes()).isEmpty();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("Python says: 4 (exit code 0)")
                .contains("File says: Hello, Sandbox!");
    }
}
