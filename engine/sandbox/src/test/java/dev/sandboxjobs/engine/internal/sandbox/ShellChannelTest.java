package dev.sandboxjobs.engine.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import dev.sandboxjobs.engine.internal.docker.ExecSockets;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session shell over both of its connections ({@link ShellChannel}): the hijacked one the
 * engine uses on a Unix socket or TCP, docker-java's attach otherwise; and content streamed to
 * the shell's stdin ({@link ShellSession#receive}), whose bytes must never reach the shell as
 * commands, whatever becomes of the write.
 */
@RequiresDocker
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShellChannelTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** Content that would leave a trace if any of it ran as a command. */
    private static final byte[] COMMANDS = "touch /tmp/pwned\n".repeat(16 << 10).getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static DockerClients.Connected docker;
    static String containerId;
    static Containers hijacked;
    static Containers attached;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("shell-channel");
        sandbox.exec("true");
        String host = DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"));
        docker = DockerClients.connect(host);
        containerId = docker.client().listContainersCmd().withLabelFilter(Map.of(Labels.SANDBOX, "shell-channel"))
                .exec().get(0).getId();
        hijacked = new Containers(docker.client(), host, docker.apiVersion(), ExecSockets.forHost(host, docker.apiVersion(), null));
        attached = new Containers(docker.client(), host, docker.apiVersion());
        assertThat(hijacked.sockets()).isNotNull();
        assertThat(attached.sockets()).isNull();
    }

    @AfterAll
    static void stop() throws IOException {
        sandbox.destroy();
        engine.close();
        docker.client().close();
    }

    @Test
    void bothConnectionsCarryLargeOutputBothStreamsAndTheExitCode() {
        for (Containers containers : List.of(hijacked, attached)) {
            try (ShellSession shell = new ShellSession(containers, containerId, List.of(), "/")) {
                ExecOutput out = shell.call(List.of("bash", "-c",
                        "head -c 3145728 /dev/zero | tr '\\0' a; printf 'to err' >&2; exit 3"), 8L << 20, MINUTE);
                assertThat(out.exitCode()).isEqualTo(3);
                assertThat(out.stdout()).hasSize(3 << 20).containsOnly('a');
                assertThat(out.stderrText()).isEqualTo("to err");
                assertThat(shell.call(List.of("echo", "next"), 4096, MINUTE).stdout())
                        .isEqualTo("next\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void streamedContentArrivesByteForByteAndTheShellStaysUsable() throws Exception {
        byte[] content = new byte[(5 << 20) + 7];
        new Random(7).nextBytes(content);
        // a marker's prefix, NULs and a newline inside: content, never protocol
        System.arraycopy("__SJ_END_\0\n".getBytes(StandardCharsets.US_ASCII), 0, content, 1000, 11);
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/")) {
            ShellSession.Received got = shell.receive(recv("/workspace/streamed.bin", null, content.length),
                    content.length, o -> o.write(content), MINUTE);
            assertThat(got.sent()).isTrue();
            assertThat(got.output().exitCode()).as(got.output().stderrText()).isZero();
            ExecOutput sum = shell.call(List.of("sha256sum", "/workspace/streamed.bin"), 4096, MINUTE);
            assertThat(sum.stdoutText()).startsWith(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content)));
            assertThat(shell.call(List.of("stat", "-c", "%a %u", "/workspace/streamed.bin"), 4096, MINUTE).stdoutText())
                    .isEqualTo("644 1000\n");
            assertThat(shell.call(List.of("echo", "next"), 4096, MINUTE).stdoutText()).isEqualTo("next\n");
        }
    }

    @Test
    void aRefusedPathIsAnsweredBeforeAnyByteIsSent() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/")) {
            // 15: the sandbox's user may not write /etc; 13: no parent; 11: a directory
            assertThat(refused(shell, "/etc/refused")).isEqualTo(15);
            assertThat(refused(shell, "/no/such/dir/f")).isEqualTo(13);
            assertThat(refused(shell, "/workspace")).isEqualTo(11);
            assertThat(shell.call(List.of("echo", "next"), 4096, MINUTE).stdoutText()).isEqualTo("next\n");
        }
    }

    @Test
    void aWriteFailingAfterTheBytesWereSentStillTakesEveryOneOffTheShellsStdin() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/")) {
            // the temporary file is a directory: cat cannot write it, and the rest is drained
            ShellSession.Received got = shell.receive(recv("/workspace/drained.txt", "/tmp", COMMANDS.length),
                    COMMANDS.length, o -> o.write(COMMANDS), MINUTE);
            assertThat(got.sent()).isTrue();
            assertThat(got.output().exitCode()).isEqualTo(20);
            assertThat(shell.isAlive()).isTrue();
            assertThat(shell.call(List.of("test", "-e", "/tmp/pwned"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(shell.call(List.of("test", "-e", "/workspace/drained.txt"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(shell.call(List.of("echo", "next"), 4096, MINUTE).stdoutText()).isEqualTo("next\n");
        }
    }

    @Test
    void aShellThatCannotForkIsSentNothing() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/")) {
            // as at the container's process limit: the shell's own forks fail (bash retries for ~15 s)
            assertThat(shell.call(List.of("ulimit", "-u", "1"), 4096, MINUTE).exitCode()).isZero();
            ShellSession.Received got = shell.receive(recv("/workspace/unforked.txt", null, COMMANDS.length),
                    COMMANDS.length, o -> {
                        throw new AssertionError("content asked for");
                    }, MINUTE);
            assertThat(got.sent()).isFalse();
            assertThat(got.output().exitCode()).isNotZero().isNotIn(11, 12, 13, 15);
            assertThat(got.output().stderrText()).contains("fork");
            assertThat(shell.isAlive()).as("bash exits when it cannot fork").isFalse();
        }
        try (ShellSession other = new ShellSession(hijacked, containerId, List.of(), "/")) {
            assertThat(other.call(List.of("test", "-e", "/tmp/pwned"), 4096, MINUTE).exitCode()).isEqualTo(1);
        }
    }

    @Test
    void contentFailingHalfwayKillsTheShellAndRunsNothing() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/")) {
            assertThatThrownBy(() -> shell.receive(recv("/workspace/half.bin", null, COMMANDS.length), COMMANDS.length,
                    o -> {
                        o.write(COMMANDS, 0, COMMANDS.length / 2);
                        throw new IOException("the source broke");
                    }, MINUTE)).hasMessageContaining("the source broke");
            assertThat(shell.isAlive()).isFalse();
        }
        try (ShellSession other = new ShellSession(hijacked, containerId, List.of(), "/")) {
            assertThat(other.call(List.of("test", "-e", "/tmp/pwned"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(other.call(List.of("test", "-e", "/workspace/half.bin"), 4096, MINUTE).exitCode()).isEqualTo(1);
        }
    }

    @Test
    void aReaderKilledHalfwayEndsTheShellWhichNeitherRunsTheRestNorKeepsTheCutFile() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/");
             ShellSession other = new ShellSession(hijacked, containerId, List.of(), "/")) {
            assertThatThrownBy(() -> shell.receive(recv("/workspace/cut.txt", null, COMMANDS.length), COMMANDS.length,
                    o -> {
                        o.write(COMMANDS, 0, COMMANDS.length / 2);
                        // as any process of the sandbox's user may: the write's reader is killed halfway
                        // (once it runs as head: its fork may not have become head yet)
                        assertThat(other.call(List.of("sh", "-c", "for i in $(seq 100); do pkill -x head && exit 0;"
                                + " sleep 0.02; done; exit 1"), 4096, MINUTE).exitCode()).isZero();
                        o.write(COMMANDS, COMMANDS.length / 2, COMMANDS.length - COMMANDS.length / 2);
                    }, MINUTE))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("killed or removed its reader");
            assertThat(shell.isAlive()).isFalse();
            assertThat(other.call(List.of("test", "-e", "/tmp/pwned"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(other.call(List.of("test", "-e", "/workspace/cut.txt"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(other.call(List.of("find", "/workspace", "-name", ".sj-partial-*"), 4096, MINUTE).stdoutText())
                    .isEmpty();
        }
    }

    @Test
    void aWriteClosedForStallingHalfwayLeavesTheOldFileWhole() {
        try (ShellSession shell = new ShellSession(hijacked, containerId, List.of(), "/");
             ShellSession other = new ShellSession(hijacked, containerId, List.of(), "/")) {
            assertThat(other.call(List.of("sh", "-c", "printf 'old content' > /workspace/stalled.txt"), 4096, MINUTE)
                    .exitCode()).isZero();
            // the engine closes a write that makes no progress: the shell's input ends halfway
            assertThatThrownBy(() -> shell.receive(recv("/workspace/stalled.txt", null, COMMANDS.length),
                    COMMANDS.length, o -> {
                        o.write(COMMANDS, 0, COMMANDS.length / 2);
                        // nothing more until the watchdog has closed the write (the shell's connection ends)
                        for (int i = 0; i < 600 && shell.isAlive(); i++) {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                        }
                        o.write(COMMANDS, COMMANDS.length / 2, COMMANDS.length - COMMANDS.length / 2);
                    }, Duration.ofSeconds(2)))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("Nothing moved for");
            assertThat(shell.isAlive()).isFalse();
            assertThat(other.call(List.of("cat", "/workspace/stalled.txt"), 4096, MINUTE).stdoutText())
                    .isEqualTo("old content");
            assertThat(other.call(List.of("test", "-e", "/tmp/pwned"), 4096, MINUTE).exitCode()).isEqualTo(1);
            assertThat(other.call(List.of("find", "/workspace", "-name", ".sj-partial-*"), 4096, MINUTE).stdoutText())
                    .isEmpty();
        }
    }

    @Test
    void docker_javasAttachDeclinesToStreamAndSendsNothing() {
        try (ShellSession shell = new ShellSession(attached, containerId, List.of(), "/")) {
            assertThat(shell.receive(recv("/workspace/never.bin", null, 4), 4, o -> {
                throw new AssertionError("content asked for");
            }, MINUTE)).isNull();
            assertThat(shell.call(List.of("echo", "next"), 4096, MINUTE).stdoutText()).isEqualTo("next\n");
        }
    }

    private static int refused(ShellSession shell, String path) {
        ShellSession.Received got = shell.receive(recv(path, null, COMMANDS.length), COMMANDS.length, o -> {
            throw new AssertionError("content asked for");
        }, MINUTE);
        assertThat(got.sent()).isFalse();
        return got.output().exitCode();
    }

    /** The argv of a write of {@code path}, through {@code partial} (null: a name beside it). */
    private static List<String> recv(String path, String partial, long size) {
        String temp = partial != null ? partial
                : path.substring(0, path.lastIndexOf('/') + 1) + ".sj-partial-test" + System.nanoTime();
        return List.of("__sj_recv", path, temp, Long.toString(size));
    }
}
