package dev.sandboxjobs.jobs.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's batched calls and its detached exec, in a real sandbox (no network). */
@RequiresDocker
class SdkPipelineSandboxDockerTest {

    @TempDir
    static Path engineDir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static SdkPipelineSandbox adapter;

    @BeforeAll
    static void aSandbox() {
        engine = SandboxEngine.builder().dataDirectory(engineDir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().label("dev.sandboxjobs.owner", "jobs-tests").build()).build();
        sandbox = engine.getSandbox("sdk-pipeline-sandbox-test", SandboxOptions.builder().egress(EgressPolicy.none()).build());
        adapter = new SdkPipelineSandbox(sandbox);
    }

    @AfterAll
    static void removeIt() {
        if (sandbox != null) {
            sandbox.destroy();
            sandbox.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private static ExecSpec spec(Duration timeout) {
        return ExecSpec.of("/workspace", Map.of("WHO", "probe"), timeout);
    }

    @Test
    void execAllReturnsEachCommandsResultInOrder() {
        List<CommandResult> r = adapter.execAll(List.of(
                List.of("sh", "-c", "sleep 0.3; echo first"),
                List.of("printenv", "WHO"),
                List.of("sh", "-c", "echo oops >&2; exit 3"),
                List.of("no-such-program-here")), spec(Duration.ofMinutes(1)));

        assertThat(r).hasSize(4);
        assertThat(r.get(0).stdout()).isEqualTo("first\n");
        assertThat(r.get(1).stdout()).isEqualTo("probe\n");
        assertThat(r.get(2).exitCode()).isEqualTo(3);
        assertThat(r.get(2).stderr()).isEqualTo("oops\n");
        assertThat(r.get(3).exitCode()).isEqualTo(127);
    }

    @Test
    void listingSeveralDirectoriesAtOnceMatchesListingEachAndMissingOnesAreEmpty() {
        adapter.exec(List.of("sh", "-c", "mkdir -p /workspace/l/a/sub /workspace/l/b && touch /workspace/l/a/x.xml "
                + "/workspace/l/a/sub/y.xml /workspace/l/b/z.xml"), spec(Duration.ofMinutes(1)));

        Map<String, List<String>> all = adapter.listFiles(List.of("/workspace/l/a", "/workspace/l/missing", "/workspace/l/b"),
                8);

        assertThat(all.keySet()).containsExactly("/workspace/l/a", "/workspace/l/missing", "/workspace/l/b");
        assertThat(all.get("/workspace/l/a")).containsExactlyInAnyOrderElementsOf(adapter.listFiles("/workspace/l/a", 8))
                .containsExactlyInAnyOrder("x.xml", "sub/", "sub/y.xml");
        assertThat(all.get("/workspace/l/missing")).isEmpty();
        assertThat(all.get("/workspace/l/b")).containsExactly("z.xml");
    }

    @Test
    void aDetachedCommandsOutputAndExitCodeComeBackFromOneExecAndItsFilesAreRemoved() {
        CommandResult r = adapter.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 4"),
                spec(Duration.ofMinutes(1)).detach());

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(adapter.listFiles("/tmp", 1)).noneMatch(f -> f.startsWith("sandbox-jobs-exec-"));
    }

    @Test
    void aDetachedCommandThatTimesOutKeepsTheOutputItWroteBeforeAndItsFilesAreRemoved() {
        CommandResult r = adapter.exec(List.of("sh", "-c", "echo before; sleep 600"), spec(Duration.ofSeconds(2)).detach());

        assertThat(r.timedOut()).isTrue();
        assertThat(r.stdout()).isEqualTo("before\n");
        assertThat(adapter.listFiles("/tmp", 1)).noneMatch(f -> f.startsWith("sandbox-jobs-exec-"));
    }
}
