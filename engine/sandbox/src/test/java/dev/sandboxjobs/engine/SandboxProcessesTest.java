package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxProcessesTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("processes");
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

    static ProcessInfo awaitEnd(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ProcessInfo p = sandbox.getProcess(id);
        while (!p.status().isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            p = sandbox.getProcess(id);
        }
        return p;
    }

    static int count(String pattern) {
        return Integer.parseInt(sandbox.exec("ps -eo args | grep -c '^" + pattern + "' || true").stdout().trim());
    }

    @Test
    void aProcessRunsInTheBackgroundAndReportsItsExitCodeAndLogs() throws Exception {
        ProcessInfo p = sandbox.startProcess("echo started; echo oops >&2; sleep 0.3; exit 5",
                ProcessOptions.builder().cwd("/tmp").env("X", "1").build());
        assertThat(p.id()).startsWith("proc-");
        assertThat(p.pid()).isPositive();
        assertThat(p.status()).isEqualTo(ProcessStatus.RUNNING);
        assertThat(p.command()).isEqualTo("echo started; echo oops >&2; sleep 0.3; exit 5");
        ProcessInfo done = awaitEnd(p.id());
        assertThat(done.status()).isEqualTo(ProcessStatus.FAILED);
        assertThat(done.exitCode()).isEqualTo(5);
        ProcessLogs logs = sandbox.getProcessLogs(p.id());
        assertThat(logs.stdout()).isEqualTo("started\n");
        assertThat(logs.stderr()).isEqualTo("oops\n");
        assertThat(sandbox.listProcesses()).extracting(ProcessInfo::id).contains(p.id());
    }

    @Test
    void aProcessGetsItsDirectoryAndEnvironment() throws Exception {
        ProcessInfo p = sandbox.startProcess("pwd; echo $X", ProcessOptions.builder().cwd("/tmp").env("X", "from-options").build());
        assertThat(awaitEnd(p.id()).status()).isEqualTo(ProcessStatus.COMPLETED);
        assertThat(sandbox.getProcessLogs(p.id()).stdout()).isEqualTo("/tmp\nfrom-options\n");
    }

    @Test
    void killProcessStopsTheWholeTree() throws Exception {
        ProcessInfo p = sandbox.startProcess("sleep 401 & sleep 402 & bash -c 'sleep 403' & wait");
        Thread.sleep(300);
        assertThat(count("sleep 40[123]")).isEqualTo(3);
        sandbox.killProcess(p.id());
        assertThat(sandbox.getProcess(p.id()).status()).isEqualTo(ProcessStatus.KILLED);
        assertThat(count("sleep 40[123]")).isZero();
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        ProcessInfo p = sandbox.startProcess("trap '' TERM; while true; do sleep 0.1; done");
        Thread.sleep(300);
        sandbox.killProcess(p.id(), "SIGTERM");
        assertThat(sandbox.getProcess(p.id()).status()).isEqualTo(ProcessStatus.KILLED);
        assertThat(sandbox.exec("kill -0 " + p.pid() + " 2>/dev/null && echo alive || echo dead").stdout()).isEqualTo("dead\n");
    }

    @Test
    void killAllProcessesStopsEveryRunningOne() throws Exception {
        sandbox.startProcess("sleep 501");
        sandbox.startProcess("sleep 502");
        Thread.sleep(200);
        assertThat(sandbox.killAllProcesses()).isGreaterThanOrEqualTo(2);
        assertThat(count("sleep 50[12]")).isZero();
        assertThat(sandbox.listProcesses()).allMatch(p -> p.status().isTerminal());
    }

    @Test
    void streamProcessLogsFollowsUntilTheProcessEnds() {
        ProcessInfo p = sandbox.startProcess("for i in 1 2 3; do echo line$i; sleep 0.1; done; echo bad >&2");
        String out;
        String err;
        try (Stream<LogEvent> events = sandbox.streamProcessLogs(p.id())) {
            List<LogEvent> all = events.toList();
            out = all.stream().filter(e -> e.stream() == StreamType.STDOUT).map(LogEvent::data).collect(Collectors.joining());
            err = all.stream().filter(e -> e.stream() == StreamType.STDERR).map(LogEvent::data).collect(Collectors.joining());
        }
        assertThat(out).isEqualTo("line1\nline2\nline3\n");
        assertThat(err).isEqualTo("bad\n");
    }

    @Test
    void deletingASessionDoesNotStopItsProcesses() throws Exception {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("starter").build());
        ProcessInfo p = s.startProcess("sleep 601");
        assertThat(p.sessionId()).isEqualTo("starter");
        sandbox.deleteSession("starter");
        assertThat(sandbox.getProcess(p.id()).status()).isEqualTo(ProcessStatus.RUNNING);
        sandbox.killProcess(p.id(), "KILL");
        assertThat(sandbox.getProcess(p.id()).status()).isEqualTo(ProcessStatus.KILLED);
    }

    @Test
    void unknownProcessesAndBadSignalsAreTypedErrors() {
        assertThatThrownBy(() -> sandbox.getProcess("proc-nope"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.PROCESS_NOT_FOUND));
        assertThatThrownBy(() -> sandbox.killProcess("proc-nope"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.PROCESS_NOT_FOUND));
        assertThatThrownBy(() -> sandbox.getProcessLogs("proc-nope"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.PROCESS_NOT_FOUND));
        ProcessInfo p = sandbox.startProcess("true");
        assertThatThrownBy(() -> sandbox.killProcess(p.id(), "TERM; rm -rf /"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
