package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exec(argv)} and {@code copyIn}: the SDK calls the testing pipeline builds on. */
@RequiresDocker
class SandboxArgvExecTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("argv");
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
    void argumentsWithShellMetacharactersReachTheProgramAsData() {
        String evil = "$(touch /tmp/pwned); `touch /tmp/pwned2` && touch /tmp/pwned3 | x > /tmp/pwned4 'q\" \\";
        ExecResult r = sandbox.exec(List.of("printf", "%s|%s", evil, "*"));
        assertThat(r.success()).isTrue();
        assertThat(r.stdout()).isEqualTo(evil + "|*");
        assertThat(sandbox.exec("ls /tmp | grep -c pwned || true").stdout().trim()).isEqualTo("0");
    }

    @Test
    void cwdEnvAndTheExitCodeWorkLikeAShellCommand() {
        sandbox.setEnvVars(Map.of("FROM_SANDBOX", "s"));
        ExecResult r = sandbox.exec(List.of("sh", "-c", "pwd; echo \"$FROM_SANDBOX $X\"; echo oops >&2; exit 3"),
                ExecOptions.builder().cwd("/tmp").env("X", "from command").build());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.success()).isFalse();
        assertThat(r.stdout()).isEqualTo("/tmp\ns from command\n");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.command()).isEqualTo("sh -c 'pwd; echo \"$FROM_SANDBOX $X\"; echo oops >&2; exit 3'");
    }

    @Test
    void aMissingProgramExitsWith127AndAMissingDirectoryWith1() {
        assertThat(sandbox.exec(List.of("no-such-program-xyz")).exitCode()).isEqualTo(127);
        ExecResult r = sandbox.exec(List.of("true"), ExecOptions.builder().cwd("/no/such/dir").build());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("/no/such/dir");
    }

    @Test
    void aTimeoutKillsTheProgramAndEverythingItStartedAndThrowsCommandTimeout() {
        assertThatThrownBy(() -> sandbox.exec(List.of("bash", "-c", "sleep 321 & sleep 322; wait"),
                ExecOptions.builder().timeout(Duration.ofMillis(700)).build()))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.COMMAND_TIMEOUT));
        assertThat(sandbox.exec("ps -eo args | grep -c '^sleep 32[12]' || true").stdout().trim()).isEqualTo("0");
        assertThat(sandbox.exec(List.of("echo", "still usable")).stdout()).isEqualTo("still usable\n");
    }

    @Test
    void aBackgroundProcessLeftRunningDoesNotHoldTheResultBack() {
        ExecResult r = sandbox.exec(List.of("sh", "-c", "sleep 331 & echo started"),
                ExecOptions.builder().timeout(Duration.ofSeconds(30)).build());
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("started\n");
        sandbox.exec("pkill -f 'sleep 331' || true");
    }

    @Test
    void consecutiveCallsReuseOneShellWithoutCarryingAnyStateOver() {
        ExecResult first = sandbox.exec(List.of("sh", "-c", "echo \"$PPID|$PWD|${ONLY_FIRST:-unset}\""),
                ExecOptions.builder().cwd("/tmp").env("ONLY_FIRST", "1").build());
        ExecResult second = sandbox.exec(List.of("sh", "-c", "echo \"$PPID|$PWD|${ONLY_FIRST:-unset}\""));
        String[] a = first.stdout().trim().split("\\|");
        String[] b = second.stdout().trim().split("\\|");
        assertThat(a[1]).isEqualTo("/tmp");
        assertThat(a[2]).isEqualTo("1");
        assertThat(b[1]).isEqualTo(sandbox.exec("pwd").stdout().trim()); // the session's directory
        assertThat(b[2]).isEqualTo("unset");
        assertThat(b[0]).as("the same long-lived shell started both programs").isEqualTo(a[0]);
    }

    @Test
    void outputOfAProcessLeftBehindNeverMixesIntoTheNextCall() throws Exception {
        ExecResult left = sandbox.exec(List.of("sh", "-c", "(sleep 0.3; echo LATE; echo LATE >&2) & echo \"$PPID\""));
        // the next call is still running when the process left behind writes: in the same shell its lines would be the call's
        ExecResult next = sandbox.exec(List.of("sh", "-c", "sleep 1; echo \"$PPID\""));
        assertThat(next.stdout()).doesNotContain("LATE");
        assertThat(next.stderr()).isEmpty();
        assertThat(next.stdout().trim()).as("a shell whose program left a process on its output is not reused")
                .isNotEqualTo(left.stdout().trim());
    }

    @Test
    void callsInParallelRunAtTheSameTime() throws Exception {
        String dir = "/tmp/parallel-" + System.nanoTime();
        sandbox.exec(List.of("mkdir", "-p", dir));
        // each program waits until all four have started: they can only finish if they run at once
        String script = "touch \"$1/$2\"; for i in $(seq 100); do [ $(ls \"$1\" | wc -l) -ge 4 ] && exit 0; sleep 0.1; done; exit 1";
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<ExecResult>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String n = String.valueOf(i);
                calls.add(pool.submit(() -> sandbox.exec(List.of("sh", "-c", script, "sh", dir, n),
                        ExecOptions.builder().timeout(Duration.ofSeconds(30)).build())));
            }
            for (var c : calls) {
                assertThat(c.get().exitCode()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fileOperationsAndArgvExecsShareOneHelperShell() {
        Sandbox fresh = engine.getSandbox("argv-shared-" + System.nanoTime());
        try {
            fresh.writeFile("/tmp/f.txt", "x");
            assertThat(fresh.readFile("/tmp/f.txt").content()).isEqualTo("x");
            fresh.exec(List.of("true"));
            fresh.exec("true"); // the default session's shell
            // the session's shell and one helper shell, which served the file operations and the argv exec
            String shells = fresh.exec(List.of("sh", "-c", "ps -eo args | grep -c '^bash --noprofile --norc$'")).stdout().trim();
            assertThat(shells).isEqualTo("2");
        } finally {
            fresh.destroy();
            fresh.close();
        }
    }

    @Test
    void aSandboxUsedOnlyThroughArgvAndFilesBootsOneShellAndItsSessionStillGetsItsOwn() {
        Sandbox fresh = engine.getSandbox("argv-only-" + System.nanoTime(),
                SandboxOptions.builder().env("SJ_TEST_VAR", "from-options").build());
        try {
            fresh.writeFile("/tmp/f.txt", "x");
            ExecResult dir = fresh.exec(List.of("pwd"));
            assertThat(dir.stdout().trim()).as("an argv exec starts in the session's directory").isEqualTo("/workspace");
            // the default session's pre-booted shell served the file operation and the argv exec
            String shells = fresh.exec(List.of("sh", "-c", "ps -eo args | grep -c '^bash --noprofile --norc$'")).stdout().trim();
            assertThat(shells).isEqualTo("1");
            // the session, used afterwards, boots a shell of its own with the sandbox's variables and directory
            ExecResult session = fresh.exec("echo \"$SJ_TEST_VAR\"; pwd; cd /tmp");
            assertThat(session.stdout()).isEqualTo("from-options\n/workspace\n");
            assertThat(fresh.exec("pwd").stdout().trim()).isEqualTo("/tmp");
            assertThat(fresh.exec(List.of("pwd")).stdout().trim()).isEqualTo("/tmp");
            assertThat(fresh.exec(List.of("sh", "-c", "echo \"$SJ_TEST_VAR\"")).stdout().trim()).isEqualTo("from-options");
        } finally {
            fresh.destroy();
            fresh.close();
        }
    }

    @Test
    void outputIsStreamedToOnOutputAndCappedInTheResult() {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ExecResult r = sandbox.exec(List.of("sh", "-c", "echo first; head -c 5000 /dev/zero | tr '\\0' x"),
                ExecOptions.builder().maxOutputBytes(100).onOutput((stream, data) -> seen.add(data)).build());
        assertThat(String.join("", seen)).startsWith("first\n").hasSize(5006);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stdout()).endsWith(ExecResult.TRUNCATION_MARKER);
    }

    @Test
    void anEmptyArgvOrANulByteIsAnInvalidArgument() {
        assertThatThrownBy(() -> sandbox.exec(List.of()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> sandbox.exec(List.of("echo", "a\0b")))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void copyInStreamsADirectoryWithHiddenFilesModesAndSymlinksOwnedByTheSandboxUser(@TempDir Path host) throws Exception {
        Files.createDirectories(host.resolve(".git/refs"));
        Files.writeString(host.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(host.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(host.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(host.resolve("src/deep"));
        Files.write(host.resolve("src/deep/data.bin"), new byte[300_000]);
        Files.createSymbolicLink(host.resolve("link"), Path.of("run.sh"));
        Files.createSymbolicLink(host.resolve("outside"), Path.of("/etc/passwd"));

        sandbox.copyIn(host, "/workspace/copied");

        assertThat(sandbox.readFile("/workspace/copied/.git/HEAD").content()).isEqualTo("ref: refs/heads/main\n");
        assertThat(sandbox.exec(List.of("/workspace/copied/run.sh")).stdout()).isEqualTo("ran\n");
        assertThat(sandbox.exec(List.of("stat", "-c", "%s", "/workspace/copied/src/deep/data.bin")).stdout().trim())
                .isEqualTo("300000");
        assertThat(sandbox.exec(List.of("readlink", "/workspace/copied/link")).stdout().trim()).isEqualTo("run.sh");
        assertThat(sandbox.exec(List.of("readlink", "/workspace/copied/outside")).stdout().trim()).isEqualTo("/etc/passwd");
        String user = sandbox.exec(List.of("id", "-u")).stdout().trim();
        assertThat(sandbox.exec(List.of("stat", "-c", "%u", "/workspace/copied/src/deep/data.bin")).stdout().trim())
                .isEqualTo(user);
        assertThatThrownBy(() -> sandbox.copyIn(host.resolve("missing"), "/workspace/x"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));
    }
}
