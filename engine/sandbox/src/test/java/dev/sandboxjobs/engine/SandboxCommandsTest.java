package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxCommandsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("commands");
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
    void execReturnsStdoutStderrAndExitCodeSeparately() {
        ExecResult r = sandbox.exec("echo out; echo err >&2");
        assertThat(r.success()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.command()).isEqualTo("echo out; echo err >&2");
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void shellFeaturesWork() {
        ExecResult r = sandbox.exec("printf 'b\\na\\n' | sort > /tmp/sorted && cat /tmp/sorted && echo ok || echo no");
        assertThat(r.stdout()).isEqualTo("a\nb\nok\n");
    }

    @Test
    void aNonZeroExitIsAResultNotAnException() {
        ExecResult r = sandbox.exec("false");
        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void outputWithoutTrailingNewlineIsKeptExactly() {
        assertThat(sandbox.exec("printf abc; printf def >&2").stdout()).isEqualTo("abc");
    }

    @Test
    void cdAndExportCarryOverToTheNextCommand() {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("persist").build());
        s.exec("mkdir -p /tmp/persist && cd /tmp/persist && export GREETING=hi");
        ExecResult r = s.exec("pwd; echo $GREETING");
        assertThat(r.stdout()).isEqualTo("/tmp/persist\nhi\n");
        sandbox.deleteSession("persist");
    }

    @Test
    void exitReturnsItsCodeAndTheSessionGoesOnWithItsDirectory() {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("exiter").build());
        s.exec("cd /tmp");
        ExecResult r = s.exec("exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.success()).isFalse();
        assertThat(s.exec("pwd").stdout()).isEqualTo("/tmp\n");
        sandbox.deleteSession("exiter");
    }

    @Test
    void aTimeoutKillsTheCommandTreeAndLeavesTheSessionUsable() {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("timeout").build());
        s.exec("cd /tmp && export KEPT=yes");
        assertThatThrownBy(() -> s.exec("bash -c 'sleep 301 & sleep 302; wait'",
                ExecOptions.builder().timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
        assertThat(s.exec("pwd; echo $KEPT").stdout()).isEqualTo("/tmp\nyes\n");
        assertThat(sandbox.exec("ps -eo args | grep -c '^sleep 30[12]' || true").stdout().trim()).isEqualTo("0");
        sandbox.deleteSession("timeout");
    }

    @Test
    void aTimeoutAlsoKillsWhatTheCommandLeftOrphanedButNotOtherSessionsWork() {
        ExecutionSession other = sandbox.createSession(SessionOptions.builder().id("bystander").build());
        other.exec("(sleep 304 &)");
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("orphans").build());
        // the subshell exits at once: its sleep is re-parented to the container's init, outside the command's tree
        assertThatThrownBy(() -> s.exec("(sleep 303 &); sleep 305",
                ExecOptions.builder().timeout(Duration.ofMillis(500)).build()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
        assertThat(sandbox.exec("ps -eo args | grep -c '^sleep 30[35]' || true").stdout().trim()).isEqualTo("0");
        assertThat(sandbox.exec("ps -eo args | grep -c '^sleep 304' || true").stdout().trim()).isEqualTo("1");
        sandbox.deleteSession("orphans");
        sandbox.deleteSession("bystander");
    }

    @Test
    void aTimeoutOfALoopInTheShellItselfRecreatesTheSession() {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("busy").build());
        s.exec("cd /tmp");
        assertThatThrownBy(() -> s.exec("while true; do :; done",
                ExecOptions.builder().timeout(Duration.ofMillis(300)).build()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
        assertThat(s.exec("pwd").stdout()).isEqualTo("/tmp\n");
        sandbox.deleteSession("busy");
    }

    @Test
    void onOutputReceivesChunksWhileTheCommandRuns() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ExecResult r = sandbox.exec("echo first; sleep 0.3; echo second >&2",
                ExecOptions.builder().onOutput((stream, data) -> seen.add(stream + ":" + data)).build());
        assertThat(seen).containsExactly("STDOUT:first\n", "STDERR:second\n");
        assertThat(r.stdout()).isEqualTo("first\n");
    }

    @Test
    void execStreamDeliversStartOutputAndComplete() {
        List<ExecEvent> events;
        try (Stream<ExecEvent> s = sandbox.execStream("echo a; echo b >&2; exit 4")) {
            events = s.toList();
        }
        assertThat(events.get(0).type()).isEqualTo(ExecEvent.Type.START);
        assertThat(events).extracting(ExecEvent::type).contains(ExecEvent.Type.STDOUT, ExecEvent.Type.STDERR);
        ExecEvent last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo(ExecEvent.Type.COMPLETE);
        assertThat(last.exitCode()).isEqualTo(4);
        assertThat(last.result().stdout()).isEqualTo("a\n");
    }

    @Test
    void execStreamEndsWithAnErrorEventOnTimeout() {
        List<ExecEvent> events;
        try (Stream<ExecEvent> s = sandbox.execStream("sleep 30", ExecOptions.builder().timeout(Duration.ofMillis(300)).build())) {
            events = s.toList();
        }
        ExecEvent last = events.get(events.size() - 1);
        assertThat(last.type()).isEqualTo(ExecEvent.Type.ERROR);
        assertThat(last.error().code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT);
    }

    @Test
    void closingAnExecStreamEarlyKillsTheCommandAndFreesTheSession() throws Exception {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("stream-close").build());
        try (Stream<ExecEvent> events = s.execStream("echo go; sleep 311; echo never")) {
            assertThat(events.iterator().next().type()).isEqualTo(ExecEvent.Type.START);
            Thread.sleep(300);
        }
        assertThat(s.exec("echo free").stdout()).isEqualTo("free\n");
        assertThat(sandbox.exec("ps -eo args | grep -c '^sleep 311' || true").stdout().trim()).isEqualTo("0");
        sandbox.deleteSession("stream-close");
    }

    @Test
    void nonUtf8OutputIsDecodedWithReplacementCharacters() {
        ExecResult r = sandbox.exec("printf 'a\\377b'");
        assertThat(r.stdout()).isEqualTo("a\uFFFDb");
    }

    @Test
    void outputBeyondTheCapIsCutWithAVisibleMarker() {
        ExecResult r = sandbox.exec("head -c 5000 /dev/zero | tr '\\0' x",
                ExecOptions.builder().maxOutputBytes(1000).build());
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout()).startsWith("x".repeat(1000)).endsWith(ExecResult.TRUNCATION_MARKER);
    }

    @Test
    void aGibibyteThroughOnOutputDoesNotGrowTheHeap() {
        AtomicLong chars = new AtomicLong();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        ExecResult r = sandbox.exec("head -c 1073741824 /dev/zero | tr '\\0' y", ExecOptions.builder()
                .onOutput((stream, data) -> chars.addAndGet(data.length()))
                .maxOutputBytes(1 << 20)
                .build());
        assertThat(chars.get()).isEqualTo(1L << 30);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout().length()).isLessThan((1 << 20) + 100);
        // what is retained after a GC must not be proportional to the 1 GiB that went through
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertThat(after - before).isLessThan(50L << 20);
    }

    @Test
    void commandOptionsSetEnvAndDirectoryForThatCommandOnly() {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("opts").cwd("/").build());
        ExecResult r = s.exec("pwd; echo $ONLY_HERE", ExecOptions.builder().cwd("/tmp").env("ONLY_HERE", "x y 'z' $HOME").build());
        assertThat(r.stdout()).isEqualTo("/tmp\nx y 'z' $HOME\n");
        assertThat(s.exec("pwd; echo \"[$ONLY_HERE]\"").stdout()).isEqualTo("/\n[]\n");
        sandbox.deleteSession("opts");
    }

    @Test
    void aMissingCommandDirectoryFailsTheCommand() {
        ExecResult r = sandbox.exec("echo never", ExecOptions.builder().cwd("/does/not/exist").build());
        assertThat(r.success()).isFalse();
        assertThat(r.stdout()).isEmpty();
        assertThat(sandbox.exec("echo fine").stdout()).isEqualTo("fine\n");
    }

    @Test
    void commandsReadAnEmptyStdin() {
        assertThat(sandbox.exec("cat; echo done").stdout()).isEqualTo("done\n");
    }

    @Test
    void badArgumentsAreTypedErrors() {
        assertThatThrownBy(() -> sandbox.exec("echo \0"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> sandbox.exec("true", ExecOptions.builder().env("1BAD", "x").build()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
