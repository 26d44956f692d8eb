package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecEvent;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests of the examples for the seed's guides: each runs on real Docker and leaves no sandbox. */
@RequiresDocker
class SeedGuideExamplesTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() {
        engine = SandboxEngine.builder().dataDirectory(dir).image(RuntimeImageForTests.image())
                .defaults(EnvironmentAndSecrets.defaults()).build();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Keeps what the example printed in target/example-output/ (docs/examples.md quotes it). */
    @AfterEach
    void noSandboxLeft(TestInfo test) throws IOException {
        Path output = Path.of("target", "example-output");
        Files.createDirectories(output);
        Files.writeString(output.resolve(test.getTestMethod().orElseThrow().getName() + ".txt"), printed());
        assertThat(engine.listSandboxes()).isEmpty();
    }

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void backgroundProcessesAreStartedFollowedListedAndKilled() {
        assertThat(BackgroundProcesses.run(engine, out)).containsExactly("indexer tick 1", "indexer tick 2", "indexer tick 3");
        assertThat(printed()).contains("Running: ").contains("After kill: KILLED").contains("Quick one logged: done quickly");
    }

    @Test
    void aWebAppIsServedThroughItsPreviewUrl() throws Exception {
        assertThat(PreviewUrls.run(engine, out)).isEqualTo("{\"status\": \"ok\", \"served_by\": \"sandbox\"}");
        assertThat(printed()).contains("GET / -> <h1>Hello from a sandbox</h1>");
    }

    @Test
    void outputIsStreamedAsEventsAndToACallback() {
        assertThat(StreamingOutput.run(engine, out)).startsWith(ExecEvent.Type.START, ExecEvent.Type.STDOUT)
                .endsWith(ExecEvent.Type.COMPLETE).contains(ExecEvent.Type.STDERR);
        assertThat(printed()).contains("out> [compile] ok").contains("err> warning: 1 deprecation")
                .contains("callback STDOUT: chunk 3").contains("exec returned 0 with 3 lines kept");
    }

    @Test
    void sessionsKeepTheirOwnShellAndShareFiles() {
        assertThat(Sessions.run(engine, out)).containsExactly("production in /workspace/prod", "test in /workspace/test");
        assertThat(printed()).contains("test keeps its shell state: DEBUG=1 in /tmp").contains("prod does not see it: DEBUG=unset")
                .contains("test reads prod's file: written by prod")
                .contains("code runs in the session: ('production', '/workspace/prod')")
                .contains("after delete: [default, prod]");
    }

    @Test
    void variablesFollowTheirPrecedenceAndTheSecretIsNeverPrinted() {
        assertThat(EnvironmentAndSecrets.run(engine, out))
                .isEqualTo("my-project debug postgres://db/app worker batch key-length=25");
        assertThat(printed()).contains("command beats session: override").contains("the secret prints as Secret[****")
                .doesNotContain("sk-example-not-a-real-key");
    }

    @Test
    void aRepositoryIsClonedBuiltAndChangedOnABranch() {
        assertThat(GitWorkflow.run(engine, out, null)).containsExactly("Add a greeting", "Initial commit");
        assertThat(printed()).contains("Cloned file:///tmp/demo/demo.git (main)").contains("Build: built 2 files");
    }

    @Test
    void filesAreWrittenReadOrganizedAndListed() {
        assertThat(FileManagement.run(engine, out)).containsExactly("assets", "settings.json", "src");
        assertThat(printed()).contains("logo.png as base64: iVBORw0KGgo=").contains("tmp.txt exists: false");
    }

    @Test
    void javaScriptAndTypeScriptRunWithStateAndRichResults() {
        assertThat(JavaScriptInterpreter.run(engine, out)).as(printed()).containsExactly("{ count: 2, revenue: 42.5 }", "[ 1 ]");
        assertThat(printed()).contains("logs: [2 orders]").contains("result as JSON: {\"count\":2,\"revenue\":42.5}")
                .contains("error: TypeError: Cannot read properties of undefined (reading 'total')");
    }

    @Test
    void aDirectoryIsRestoredAndASnapshotStartsTwoSandboxes() {
        assertThat(BackupsAndSnapshots.run(engine, out)).containsExactly("version 1", "tool 2.1", "tool 2.1");
        assertThat(printed()).contains("node_modules is gone (excluded)");
        assertThat(engine.listSnapshots()).isEmpty();
        assertThat(engine.listBackups()).isEmpty();
    }
}
