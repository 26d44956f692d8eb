package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link ExecutionSession} carries every method of the seed's sessions: the code interpreter
 * (in the session's directory and environment), ports, and processes filtered by status.
 */
@RequiresDocker
class SandboxSessionEveryMethodTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static ExecutionSession analysis;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
        sandbox = engine.getSandbox("session-every-method", SandboxOptions.builder().keepAlive(true).build());
        sandbox.mkdir("/workspace/analysis", true);
        analysis = sandbox.createSession(SessionOptions.builder().id("analysis")
                .env("DATASET", "penguins").cwd("/workspace/analysis").build());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void runCodeInASessionStartsInItsDirectoryWithItsEnvironment() {
        Execution run = analysis.runCode("import os\n(os.getcwd(), os.environ['DATASET'])");

        assertThat(run.text()).isEqualTo("('/workspace/analysis', 'penguins')");
    }

    @Test
    void aSessionsDefaultContextIsItsOwnAndKeepsItsState() {
        analysis.runCode("counter = 41");
        sandbox.runCode("counter = 1");

        assertThat(analysis.runCode("counter + 1").text()).isEqualTo("42");
        assertThat(sandbox.runCode("counter + 1").text()).isEqualTo("2");
        assertThat(sandbox.listCodeContexts()).extracting(CodeContext::id)
                .contains("default-python", "analysis:default-python");
    }

    @Test
    void aContextCreatedFromASessionTakesItsDirectoryUnlessOneIsGiven() {
        CodeContext inSession = analysis.createCodeContext(CreateContextOptions.of(CodeLanguage.JAVASCRIPT));
        CodeContext relative = analysis.createCodeContext(CreateContextOptions.builder()
                .language(CodeLanguage.PYTHON).cwd("sub").envVar("DATASET", "iris").build());

        assertThat(inSession.cwd()).isEqualTo("/workspace/analysis");
        assertThat(analysis.runCode("[process.cwd(), process.env.DATASET]", RunCodeOptions.in(inSession)).text())
                .isEqualTo("[ '/workspace/analysis', 'penguins' ]");
        assertThat(relative.cwd()).isEqualTo("/workspace/analysis/sub");
        assertThat(sandbox.runCode("import os\nos.environ['DATASET']", RunCodeOptions.in(relative)).text())
                .isEqualTo("'iris'");
    }

    @Test
    void aSessionFollowsItsShellsDirectory() {
        ExecutionSession moved = sandbox.createSession(SessionOptions.builder().id("moved").build());
        moved.exec("mkdir -p /tmp/elsewhere && cd /tmp/elsewhere");

        assertThat(moved.createCodeContext().cwd()).isEqualTo("/tmp/elsewhere");
    }

    @Test
    void lastUsedMovesWhenCodeRunsAndStaysAtCreationBefore() throws Exception {
        CodeContext ctx = analysis.createCodeContext();
        assertThat(ctx.lastUsed()).isEqualTo(ctx.createdAt());
        Thread.sleep(20);

        analysis.runCode("1", RunCodeOptions.in(ctx));

        CodeContext listed = sandbox.listCodeContexts().stream().filter(c -> c.id().equals(ctx.id())).findFirst().orElseThrow();
        assertThat(listed.lastUsed()).isAfter(ctx.createdAt());
        assertThat(listed.createdAt()).isEqualTo(ctx.createdAt());
    }

    @Test
    void contextsAreSharedBetweenSessionsAndDeletableFromAny() {
        CodeContext ctx = analysis.createCodeContext();
        analysis.runCode("shared = 'yes'", RunCodeOptions.in(ctx));

        assertThat(sandbox.runCode("shared", RunCodeOptions.in(ctx)).text()).isEqualTo("'yes'");
        sandbox.deleteCodeContext(ctx.id());
        assertThatThrownBy(() -> analysis.runCode("shared", RunCodeOptions.in(ctx)))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.CONTEXT_NOT_FOUND));
    }

    @Test
    void aPortExposedFromASessionIsSeenFromTheSandboxAndAnotherSession() {
        ExposedPort port = analysis.exposePort(8123, "from-session");
        ExecutionSession other = sandbox.createSession(SessionOptions.builder().id("other").build());

        assertThat(sandbox.getExposedPorts()).contains(port);
        assertThat(other.getExposedPorts()).contains(port);
        other.unexposePort(8123);
        assertThat(analysis.getExposedPorts()).doesNotContain(port);
    }

    @Test
    void listProcessesCanBeAskedForTheRunningOnes() {
        ProcessInfo running = analysis.startProcess("sleep 600");
        ProcessInfo done = analysis.startProcess("true");
        awaitEnd(done.id());

        List<ProcessInfo> live = sandbox.listProcesses(ProcessStatus.RUNNING);
        List<ProcessInfo> ended = analysis.listProcesses(ProcessStatus.COMPLETED, ProcessStatus.FAILED);

        assertThat(live).extracting(ProcessInfo::id).contains(running.id()).doesNotContain(done.id());
        assertThat(ended).extracting(ProcessInfo::id).contains(done.id()).doesNotContain(running.id());
        assertThatThrownBy(() -> sandbox.listProcesses(null))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        sandbox.killProcess(running.id());
    }

    @Test
    void aBadEnvironmentVariableForASessionContextIsATypedError() {
        assertThatThrownBy(() -> analysis.createCodeContext(CreateContextOptions.builder().envVar("1BAD", "x").build()))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    static void awaitEnd(String processId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sandbox.getProcess(processId).status() == ProcessStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(processId + " did not end");
            }
            Thread.onSpinWait();
        }
    }
}
