package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default user of a sandbox ({@link SandboxDefaults#DEFAULT_USER}, uid and gid 1000) with a
 * default engine and default options: every way of running code runs as it, every way of writing
 * a file through the API leaves the file to it, and it holds no capability; {@code root} stays an
 * option. No test here sets {@code user(...)} except the root one.
 */
@RequiresDocker
class SandboxUnprivilegedUserTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("default-user");
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

    /** {@code uid:gid} of a path in the sandbox, asked with {@code stat} (as the sandbox's user). */
    static String owner(Sandbox sb, String path) {
        ExecResult r = sb.exec("stat -c %u:%g " + path);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().trim();
    }

    @Test
    void theDefaultsNameTheUnprivilegedUser() {
        assertThat(SandboxDefaults.DEFAULT_USER).isEqualTo("1000:1000");
        assertThat(SandboxDefaults.builder().build().user()).isEqualTo(SandboxDefaults.DEFAULT_USER);
    }

    @Test
    void execRunsAsUid1000() {
        ExecResult r = sandbox.exec("id -u; id -g");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("1000\n1000\n");
        assertThat(sandbox.exec(List.of("id", "-u")).stdout()).isEqualTo("1000\n");
    }

    @Test
    void aNewSessionRunsAsUid1000() {
        ExecutionSession session = sandbox.createSession(SessionOptions.builder().id("unprivileged").build());
        try {
            assertThat(session.exec("id -u; id -g").stdout()).isEqualTo("1000\n1000\n");
        } finally {
            sandbox.deleteSession(session.id());
        }
    }

    @Test
    void aBackgroundProcessRunsAsUid1000() throws Exception {
        ProcessInfo p = sandbox.startProcess("id -u; id -g");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!p.status().isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            p = sandbox.getProcess(p.id());
        }
        assertThat(p.status()).isEqualTo(ProcessStatus.COMPLETED);
        assertThat(sandbox.getProcessLogs(p.id()).stdout()).isEqualTo("1000\n1000\n");
    }

    @Test
    void theCodeInterpreterRunsAsUid1000() {
        Execution run = sandbox.runCode("import os\n(os.getuid(), os.getgid(), os.geteuid())");
        assertThat(run.success()).as(String.valueOf(run.error())).isTrue();
        assertThat(run.text()).isEqualTo("(1000, 1000, 1000)");
    }

    @Test
    void theWorkspaceBelongsToTheUser() {
        assertThat(owner(sandbox, "/workspace")).isEqualTo("1000:1000");
        assertThat(sandbox.exec("touch /workspace/by-a-command && stat -c %u:%g /workspace/by-a-command").stdout())
                .isEqualTo("1000:1000\n");
    }

    @Test
    void filesWrittenThroughTheApiBelongToTheUser() {
        sandbox.writeFile("/workspace/text.txt", "text");
        sandbox.writeFile("/workspace/bytes.bin", new byte[] {1, 2, 3});
        byte[] payload = "a stream of known size".getBytes(StandardCharsets.UTF_8);
        sandbox.writeFile("/workspace/sized.bin", new NotAByteArrayStream(payload), payload.length);
        sandbox.writeFile("/workspace/unsized.bin", new NotAByteArrayStream(payload));
        sandbox.writeFile("/tmp/in-tmp.txt", "tmp");
        sandbox.writeFile("relative.txt", "relative to /workspace");
        sandbox.mkdir("/workspace/made/by/mkdir", true);

        for (String path : new String[] {"/workspace/text.txt", "/workspace/bytes.bin", "/workspace/sized.bin",
                "/workspace/unsized.bin", "/tmp/in-tmp.txt", "/workspace/relative.txt", "/workspace/made",
                "/workspace/made/by/mkdir"}) {
            assertThat(owner(sandbox, path)).as(path).isEqualTo("1000:1000");
        }
        // and the user can change and remove what it was given
        ExecResult edit = sandbox.exec("echo more >> /workspace/text.txt && rm /workspace/bytes.bin");
        assertThat(edit.exitCode()).as(edit.stderr()).isZero();
    }

    @Test
    void aFileReplacedThroughTheApiBelongsToTheUser() {
        sandbox.writeFile("/workspace/replaced.txt", "first");
        sandbox.writeFile("/workspace/replaced.txt", "second");
        assertThat(owner(sandbox, "/workspace/replaced.txt")).isEqualTo("1000:1000");
        assertThat(sandbox.readFile("/workspace/replaced.txt").content()).isEqualTo("second");
    }

    @Test
    void aLargeStreamedFileBelongsToTheUser() {
        // over the 8 MiB chunk size: written in parts and joined in the sandbox
        long size = (9L << 20) + 17;
        sandbox.writeFile("/workspace/large.bin", new NotAByteArrayStream(new byte[(int) size]));
        assertThat(sandbox.exec("stat -c %s:%u:%g /workspace/large.bin").stdout().trim())
                .isEqualTo(size + ":1000:1000");
        sandbox.deleteFile("/workspace/large.bin");
    }

    @Test
    void aCopiedInDirectoryBelongsToTheUser() throws Exception {
        Path host = Files.createTempDirectory(dir, "copy-in");
        Files.writeString(host.resolve("top.txt"), "top");
        Files.writeString(host.resolve(".hidden"), "hidden");
        Files.createDirectories(host.resolve("sub/deeper"));
        Files.writeString(host.resolve("sub/deeper/leaf.txt"), "leaf");

        sandbox.copyIn(host, "/workspace/missing/parent/project");

        ExecResult owners = sandbox.exec("find /workspace/missing -printf '%u:%g %p\\n' | sort");
        assertThat(owners.exitCode()).as(owners.stderr()).isZero();
        assertThat(owners.stdout().lines().toList()).hasSize(8).allSatisfy(line ->
                assertThat(line).startsWith("sandbox:sandbox "));
        assertThat(owner(sandbox, "/workspace/missing/parent/project/sub/deeper/leaf.txt")).isEqualTo("1000:1000");
        ExecResult edit = sandbox.exec("echo x >> /workspace/missing/parent/project/sub/deeper/leaf.txt"
                + " && touch /workspace/missing/parent/project/sub/new");
        assertThat(edit.exitCode()).as(edit.stderr()).isZero();
    }

    @Test
    void theUserHoldsNoCapabilityAndCannotGainOne() {
        assertThat(sandbox.exec("grep CapEff /proc/self/status").stdout().trim())
                .isEqualTo("CapEff:\t0000000000000000");
        assertThat(sandbox.exec("grep CapPrm /proc/self/status").stdout().trim())
                .isEqualTo("CapPrm:\t0000000000000000");
        assertThat(sandbox.exec("grep NoNewPrivs /proc/self/status").stdout().trim())
                .isEqualTo("NoNewPrivs:\t1");
        // the same in the interpreter's process
        assertThat(sandbox.runCode("open('/proc/self/status').read().split('CapEff:')[1].split()[0]").text())
                .isEqualTo("'0000000000000000'");
    }

    @Test
    void theUserCannotWriteEtc() {
        ExecResult r = sandbox.exec("touch /etc/sj-probe");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("Permission denied");
        assertThat(sandbox.exec("echo x >> /etc/passwd").exitCode()).isNotZero();
        assertThat(sandbox.exec("test -e /etc/sj-probe").exitCode()).isNotZero();
    }

    @Test
    void theApiCannotWriteWhereTheUserCannot() throws Exception {
        // Docker's archive API extracts as root: without a check, writeFile put a file of the
        // user's into /etc (and replaced root's files there)
        Path host = Files.createTempDirectory(dir, "into-etc");
        Files.writeString(host.resolve("hosts"), "not root's");
        List<ThrowingCallable> writes = List.of(
                () -> sandbox.writeFile("/etc/sj-api-probe", "x"),
                () -> sandbox.writeFile("/etc/hostname", new byte[] {'x'}),
                () -> sandbox.writeFile("/etc/sj-api-probe", new NotAByteArrayStream(new byte[] {1}), 1),
                () -> sandbox.writeFile("/etc/sj-api-probe", new NotAByteArrayStream(new byte[] {1})),
                () -> sandbox.mkdir("/etc/sj-api-dir"),
                () -> sandbox.copyIn(host, "/etc"),
                () -> sandbox.copyIn(host, "/etc/sj-api-copy"));
        for (ThrowingCallable write : writes) {
            assertThatThrownBy(write).isInstanceOf(SandboxException.class).hasMessageContaining("ermission denied");
        }
        ExecResult etc = sandbox.exec("find /etc -maxdepth 1 \\( -name '*sj-*' -o -user 1000 \\) ; stat -c %u /etc/hosts /etc/hostname");
        assertThat(etc.stdout()).isEqualTo("0\n0\n");
    }

    @Test
    void aBackupIsNotRestoredThroughALinkToWhereTheUserCannotWrite() {
        // restoring extracts as root too: code in the sandbox points a restorable path at /etc
        sandbox.exec("mkdir -p /workspace/bk && echo data > /workspace/bk/sj-restored.txt && ln -sfn /etc /tmp/etc-link");
        DirectoryBackup backup = sandbox.createBackup("/workspace/bk");

        assertThatThrownBy(() -> sandbox.restoreBackup(backup, "/tmp/etc-link"))
                .isInstanceOf(SandboxException.class).hasMessageContaining("ermission denied");
        assertThat(sandbox.exec("test -e /etc/sj-restored.txt").exitCode()).isNotZero();

        sandbox.restoreBackup(backup, "/tmp/restored");
        assertThat(sandbox.readFile("/tmp/restored/sj-restored.txt").content()).isEqualTo("data\n");
        assertThat(owner(sandbox, "/tmp/restored/sj-restored.txt")).isEqualTo("1000:1000");
    }

    @Test
    void writesRacingADirectorySwappedForALinkNeverPutTheirFileWhereTheUserCannotWrite() {
        // code in the sandbox swaps the directory written into for a link to /etc, over and over,
        // between the engine's check (as the user) and Docker's extraction (as root); a sandbox of
        // its own, as what such a race leaves in /etc stays there
        Sandbox raced = engine.getSandbox("default-user-race");
        try {
            raced.exec("mkdir -p /workspace/race/d");
            ProcessInfo swapper = raced.startProcess("cd /workspace/race && while :; do mv d d.real && ln -s /etc d"
                    + " && sleep 0.02; rm -f d; mv d.real d; sleep 0.1; done");
            byte[] large = new byte[40 << 10]; // above the helper shell path (32 KiB): Docker's archive API
            Arrays.fill(large, (byte) 'x');
            int written = 0;
            try {
                for (int i = 0; i < 30; i++) {
                    for (byte[] content : List.of("small".getBytes(StandardCharsets.UTF_8), large)) {
                        try {
                            raced.writeFile("/workspace/race/d/sj-race-" + i + "-" + content.length + ".txt", content);
                            written++;
                        } catch (SandboxException e) {
                            // the directory was a link at that moment: refused, as it should be
                        }
                    }
                }
            } finally {
                raced.killProcess(swapper.id());
            }
            ExecResult etc = raced.exec("find /etc -name 'sj-race-*' -o -name '.sj-partial-*'");
            assertThat(etc.stdout()).as("files written into /etc, under their own name or a partial one").isEmpty();
            System.out.println("RELIABILITY writes racing a link swap: " + written + " of 60 written");
            assertThat(written).as("some writes got through between the swaps").isPositive();
        } finally {
            raced.destroy();
        }
    }

    @Test
    void aBackupHoldingTheUsersReadOnlyDirectoriesIsRestoredOverThem() {
        // read-only directories the user owns (a Go module cache, a checked-out artifact) cannot be
        // emptied or renamed as they are; the restore makes them writable for that and back again
        sandbox.exec("mkdir -p /workspace/ro-bk/ro/deep && echo v1 > /workspace/ro-bk/ro/deep/f && echo top > /workspace/ro-bk/t"
                + " && chmod 555 /workspace/ro-bk/ro/deep /workspace/ro-bk/ro");
        DirectoryBackup backup = sandbox.createBackup("/workspace/ro-bk");
        sandbox.exec("chmod 755 /workspace/ro-bk/ro/deep && echo v2 > /workspace/ro-bk/ro/deep/f && chmod 555 /workspace/ro-bk/ro/deep"
                + " && touch /workspace/ro-bk/added");

        sandbox.restoreBackup(backup);

        assertThat(sandbox.exec("cd /workspace/ro-bk && cat ro/deep/f && ls -A && stat -c '%a %u' ro ro/deep").stdout())
                .isEqualTo("v1\nro\nt\n555 1000\n555 1000\n");
    }

    @Test
    void rootRemainsAnOption() {
        Sandbox root = engine.getSandbox("root-user", SandboxOptions.builder().user("root").build());
        try {
            assertThat(root.exec("id -u").stdout()).isEqualTo("0\n");
            root.writeFile("/etc/sj-root-probe", "root may");
            assertThat(owner(root, "/etc/sj-root-probe")).isEqualTo("0:0");
            root.writeFile("/workspace/root.txt", "root's");
            assertThat(owner(root, "/workspace/root.txt")).isEqualTo("0:0");
        } finally {
            root.destroy();
        }
    }

    /** An input stream that is not a {@link ByteArrayInputStream}, so it takes the streamed path. */
    static final class NotAByteArrayStream extends InputStream {
        private final InputStream in;

        NotAByteArrayStream(byte[] bytes) {
            this.in = new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length));
        }

        @Override
        public int read() throws java.io.IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            return in.read(b, off, len);
        }
    }
}
