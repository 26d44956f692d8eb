package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.ExecutionSession;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.ProcessStatus;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.SessionOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent calls on one session are serialised (never interleaved), and how an OOM-killed
 * background process is reported.
 */
@RequiresDocker
@Tag("reliability")
class ConcurrentSessionCallsTest {
    @TempDir
    Path dir;

    @Test
    void eightThreadsCallingOneSessionAreSerialisedAndEachGetsExactlyItsOwnOutput() throws Exception {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("one-session");
            try {
                ExecutionSession session = sb.createSession(SessionOptions.builder().id("shared").build());
                ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<?>> futures = new ArrayList<>();
                int rounds = 25;
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < rounds; i++) {
                            String token = "t" + thread + "-" + i;
                            switch (i % 3) {
                                case 0 -> {
                                    // mkdir is atomic: it fails if another call of the session is inside at the same time
                                    ExecResult r = session.exec("mkdir /tmp/in-call || echo OVERLAP; export V=" + token
                                            + "; cd /tmp; echo $V; sleep 0.0" + (i % 10) + "; echo $V $(pwd); rmdir /tmp/in-call");
                                    if (!r.stdout().equals(token + "\n" + token + " /tmp\n") || r.exitCode() != 0) {
                                        problems.add(token + " exec answered " + r);
                                    }
                                }
                                case 1 -> {
                                    ExecResult r = session.exec(List.of("printf", "%s|", token, token), null);
                                    if (!r.stdout().equals(token + "|" + token + "|")) {
                                        problems.add(token + " argv exec answered " + r);
                                    }
                                }
                                default -> {
                                    session.writeFile("/tmp/f-" + token, token);
                                    String back = session.readFile("/tmp/f-" + token).content();
                                    if (!back.equals(token)) {
                                        problems.add(token + " read back " + back);
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(10, TimeUnit.MINUTES);
                }
                pool.shutdown();
                assertThat(problems).as("interleaved or wrong answers").isEmpty();

                // deleting the session while another thread's call runs in it: that call ends or fails
                // typed, and the session is then gone for everyone
                Future<Object> running = Executors.newSingleThreadExecutor().submit(() -> {
                    try {
                        return session.exec("sleep 2; echo finished");
                    } catch (SandboxException e) {
                        return e;
                    }
                });
                Thread.sleep(500);
                sb.deleteSession("shared");
                Object outcome = running.get(2, TimeUnit.MINUTES);
                System.out.println("RELIABILITY concurrent session: a call running while its session was deleted gave "
                        + outcome);
                if (outcome instanceof SandboxException e) {
                    assertThat(e.code()).isIn(ErrorCode.SESSION_NOT_FOUND, ErrorCode.SANDBOX_ERROR);
                }
                try {
                    session.exec("echo again");
                    throw new AssertionError("a deleted session answered");
                } catch (SandboxException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.SESSION_NOT_FOUND);
                }
                assertThat(sb.exec("echo sandbox fine").stdout()).isEqualTo("sandbox fine\n");
            } finally {
                sb.destroy();
            }
        }
    }

    @Test
    void anOomKilledBackgroundProcessEndsFailedWithExit137AndTheSandboxStaysUsable() throws Exception {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("oom-bg", SandboxOptions.builder().memoryBytes(128L << 20).build());
            try {
                ProcessInfo p = sb.startProcess("head -c 2G /dev/zero | tail");
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                ProcessInfo now = sb.getProcess(p.id());
                while (!now.status().isTerminal() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    now = sb.getProcess(p.id());
                }
                System.out.println("RELIABILITY OOM background process: " + now + "; logs " + sb.getProcessLogs(p.id()));
                assertThat(now.status()).isEqualTo(ProcessStatus.FAILED);
                assertThat(now.exitCode()).isEqualTo(137);
                assertThat(sb.exec("echo alive").stdout()).isEqualTo("alive\n");
            } finally {
                sb.destroy();
            }
        }
    }
}
