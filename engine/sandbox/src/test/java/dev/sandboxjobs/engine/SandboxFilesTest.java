package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxFilesTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("files");
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

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    @Test
    void textRoundTripsAsUtf8AndIsVisibleToCommands() {
        sandbox.writeFile("/workspace/hello.txt", "héllo wörld\n");
        ReadFileResult r = sandbox.readFile("/workspace/hello.txt");
        assertThat(r.content()).isEqualTo("héllo wörld\n");
        assertThat(r.encoding()).isEqualTo(FileEncoding.UTF_8);
        assertThat(r.path()).isEqualTo("/workspace/hello.txt");
        assertThat(sandbox.exec("cat /workspace/hello.txt").stdout()).isEqualTo("héllo wörld\n");
    }

    @Test
    void binaryRoundTripsAsBase64AndBytes() {
        byte[] bytes = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13};
        sandbox.writeFile("/tmp/bin", Base64.getEncoder().encodeToString(bytes), FileEncoding.BASE64);
        assertThat(sandbox.readFileBytes("/tmp/bin")).isEqualTo(bytes);
        assertThat(sandbox.readFile("/tmp/bin", FileEncoding.BASE64).content())
                .isEqualTo(Base64.getEncoder().encodeToString(bytes));
        sandbox.writeFile("/tmp/bin2", bytes);
        assertThat(sandbox.exec("od -An -tx1 /tmp/bin2 | tr -d ' \\n'").stdout()).isEqualTo("000102fffe0a0d");
    }

    @Test
    void aHundredMebibyteFileStreamsBothWays() throws Exception {
        long size = 100L << 20;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new RandomStream(size, 7), written)) {
            sandbox.writeFile("/tmp/big.bin", in, size);
        }
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = sandbox.readFileStream("/tmp/big.bin")) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                read.update(buf, 0, n);
                total += n;
            }
        }
        assertThat(total).isEqualTo(size);
        assertThat(read.digest()).isEqualTo(written.digest());
        assertThat(sandbox.exec("sha256sum /tmp/big.bin | cut -d' ' -f1").stdout().trim())
                .isEqualTo(HexFormat.of().formatHex(sha256(new RandomStream(size, 7))));
        sandbox.deleteFile("/tmp/big.bin");
    }

    @Test
    void aWriteWhoseReaderAProcessOfTheSandboxKillsFailsTypedAndLeavesTheOldFile() {
        sandbox.writeFile("/workspace/kept.txt", "the old content\n");
        byte[] commands = "touch /tmp/pwned-by-a-cut-write\n".repeat(8 << 10).getBytes(StandardCharsets.UTF_8);
        InputStream killedHalfway = new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(commands);
            private boolean killed;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!killed && in.available() <= commands.length / 2) {
                    killed = true;
                    // a process of the sandbox's user kills the write's reader
                    assertThat(sandbox.exec(List.of("sh", "-c", "for i in $(seq 100); do pkill -x head && exit 0;"
                            + " sleep 0.02; done; exit 1")).exitCode()).isZero();
                }
                return in.read(b, off, Math.min(len, commands.length / 2));
            }
        };
        assertThatThrownBy(() -> sandbox.writeFile("/workspace/kept.txt", killedHalfway, commands.length))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.SANDBOX_ERROR))
                .hasMessageContaining("killed or removed its reader");
        assertThat(sandbox.readFile("/workspace/kept.txt").content()).isEqualTo("the old content\n");
        assertThat(sandbox.exec(List.of("test", "-e", "/tmp/pwned-by-a-cut-write")).exitCode()).isEqualTo(1);
        assertThat(sandbox.exec(List.of("find", "/workspace", "-name", ".sj-partial-*")).stdout()).isEmpty();
        sandbox.writeFile("/workspace/kept.txt", commands); // the sandbox writes again, through another shell
        assertThat(sandbox.readFileBytes("/workspace/kept.txt")).isEqualTo(commands);
    }

    @Test
    void anImageWithoutHeadHasItsWritesGoThroughDockersArchiveApi() {
        // files over 8 KiB are streamed to a helper shell's head -c; without head, Docker extracts them
        Sandbox root = engine.getSandbox("files-no-head", SandboxOptions.builder().user("root").build());
        try {
            assertThat(root.exec("mv /usr/bin/head /usr/bin/head.off").exitCode()).isZero();
            byte[] content = ("echo ran > /tmp/ran\n".repeat(40_000)).getBytes(StandardCharsets.UTF_8);
            root.writeFile("/workspace/no-head.txt", content);
            root.writeFile("/workspace/no-head-stream.txt", new ByteArrayInputStream(content), content.length);
            assertThat(root.readFileBytes("/workspace/no-head.txt")).isEqualTo(content);
            assertThat(root.readFileBytes("/workspace/no-head-stream.txt")).isEqualTo(content);
            assertThat(root.exists("/tmp/ran")).isFalse();
            assertCode(ErrorCode.PARENT_NOT_FOUND, () -> root.writeFile("/no/such/dir/x", content));
            assertThat(root.exec("ls -A /workspace").stdout()).isEqualTo("no-head-stream.txt\nno-head.txt\n");
        } finally {
            root.destroy();
        }
    }

    @Test
    void aStreamOfUnknownLengthIsWrittenInChunks() throws Exception {
        long size = (20L << 20) + 123;
        sandbox.writeFile("/tmp/unknown.bin", new RandomStream(size, 3));
        assertThat(sandbox.exec("stat -c %s /tmp/unknown.bin").stdout().trim()).isEqualTo(Long.toString(size));
        assertThat(sandbox.exec("sha256sum /tmp/unknown.bin | cut -d' ' -f1").stdout().trim())
                .isEqualTo(HexFormat.of().formatHex(sha256(new RandomStream(size, 3))));
        assertThat(sandbox.exec("ls /tmp | grep -c sj-part || true").stdout().trim()).isEqualTo("0");
    }

    @Test
    void directoriesAreCreatedListedAndChecked() {
        sandbox.mkdir("/tmp/tree/a/b", true);
        sandbox.mkdir("/tmp/tree/a/b", true);
        sandbox.mkdir("/tmp/tree/c");
        sandbox.writeFile("/tmp/tree/file.txt", "12345");
        List<FileInfo> entries = sandbox.listFiles("/tmp/tree");
        assertThat(entries).extracting(FileInfo::name).containsExactly("a", "c", "file.txt");
        FileInfo file = entries.get(2);
        assertThat(file.type()).isEqualTo(FileType.FILE);
        assertThat(file.size()).isEqualTo(5);
        assertThat(file.path()).isEqualTo("/tmp/tree/file.txt");
        assertThat(file.modified()).isNotNull();
        assertThat(entries.get(0).type()).isEqualTo(FileType.DIRECTORY);
        assertThat(sandbox.exists("/tmp/tree/a/b")).isTrue();
        assertThat(sandbox.exists("/tmp/tree/nope")).isFalse();
    }

    @Test
    void filesAreDeletedRenamedAndMoved() {
        sandbox.mkdir("/tmp/ops/into", true);
        sandbox.writeFile("/tmp/ops/one", "1");
        sandbox.renameFile("/tmp/ops/one", "/tmp/ops/two");
        assertThat(sandbox.exists("/tmp/ops/one")).isFalse();
        assertThat(sandbox.readFile("/tmp/ops/two").content()).isEqualTo("1");
        sandbox.moveFile("/tmp/ops/two", "/tmp/ops/into");
        assertThat(sandbox.readFile("/tmp/ops/into/two").content()).isEqualTo("1");
        sandbox.moveFile("/tmp/ops/into/two", "/tmp/ops/three");
        assertThat(sandbox.readFile("/tmp/ops/three").content()).isEqualTo("1");
        sandbox.deleteFile("/tmp/ops/three");
        assertThat(sandbox.exists("/tmp/ops/three")).isFalse();
    }

    @Test
    void relativePathsResolveAgainstTheSessionDirectory() {
        sandbox.writeFile("relative.txt", "here");
        assertThat(sandbox.readFile("/workspace/relative.txt").content()).isEqualTo("here");
        assertThat(sandbox.readFile("./sub/../relative.txt").path()).isEqualTo("/workspace/relative.txt");
    }

    @Test
    void aMissingFileIsFileNotFound() {
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.readFile("/tmp/missing.txt"));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.deleteFile("/tmp/missing.txt"));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.renameFile("/tmp/missing.txt", "/tmp/x"));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.listFiles("/tmp/missing-dir"));
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsIsADirectory() {
        sandbox.mkdir("/tmp/adir", true);
        assertCode(ErrorCode.IS_A_DIRECTORY, () -> sandbox.readFile("/tmp/adir"));
        assertCode(ErrorCode.IS_A_DIRECTORY, () -> sandbox.writeFile("/tmp/adir", "x"));
        assertCode(ErrorCode.IS_A_DIRECTORY, () -> sandbox.deleteFile("/tmp/adir"));
    }

    @Test
    void aFileWhereADirectoryIsExpectedIsNotADirectory() {
        sandbox.writeFile("/tmp/plainfile", "x");
        assertCode(ErrorCode.NOT_A_DIRECTORY, () -> sandbox.listFiles("/tmp/plainfile"));
        assertCode(ErrorCode.NOT_A_DIRECTORY, () -> sandbox.writeFile("/tmp/plainfile/child", "x"));
        assertCode(ErrorCode.NOT_A_DIRECTORY, () -> sandbox.mkdir("/tmp/plainfile", true));
    }

    @Test
    void aMissingParentIsParentNotFound() {
        assertCode(ErrorCode.PARENT_NOT_FOUND, () -> sandbox.writeFile("/tmp/no/such/dir/file.txt", "x"));
        assertCode(ErrorCode.PARENT_NOT_FOUND, () -> sandbox.mkdir("/tmp/no/such/dir"));
        sandbox.writeFile("/tmp/mover", "x");
        assertCode(ErrorCode.PARENT_NOT_FOUND, () -> sandbox.moveFile("/tmp/mover", "/tmp/no/such/place"));
    }

    @Test
    void aNulByteOrAnEmptyPathIsInvalidPath() {
        assertCode(ErrorCode.INVALID_PATH, () -> sandbox.readFile("/tmp/a\0b"));
        assertCode(ErrorCode.INVALID_PATH, () -> sandbox.writeFile("", "x"));
        assertCode(ErrorCode.INVALID_PATH, () -> sandbox.mkdir("/tmp/\0", true));
    }

    @Test
    void badContentIsInvalidArgument() {
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.writeFile("/tmp/b64", "not base64 !!", FileEncoding.BASE64));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.writeFile("/tmp/neg", InputStream.nullInputStream(), -1));
    }

    @Test
    void aStreamShorterOrLongerThanItsDeclaredSizeIsRefusedAndTheSandboxStaysUsable() {
        byte[] ten = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.writeFile("/tmp/short.txt", new ByteArrayInputStream(ten) {}, 20));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.writeFile("/tmp/long.txt", new ByteArrayInputStream(ten) {}, 5));
        assertThat(sandbox.exists("/tmp/short.txt")).isFalse();
        assertThat(sandbox.exists("/tmp/long.txt")).isFalse();

        sandbox.writeFile("/tmp/after.txt", "still in step");
        assertThat(sandbox.readFile("/tmp/after.txt").content()).isEqualTo("still in step");
        assertThat(sandbox.exec("echo ok").stdout()).isEqualTo("ok\n");
    }

    @Test
    void aStreamThatFailsHalfwayIsInvalidArgumentAndLeavesNoFile() {
        InputStream failing = new InputStream() {
            private long served;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served >= (3L << 20)) {
                    throw new IOException("disk gone");
                }
                int n = (int) Math.min(len, (3L << 20) - served);
                served += n;
                return n;
            }
        };
        assertThatThrownBy(() -> sandbox.writeFile("/tmp/failing.bin", failing, 8L << 20))
                .isInstanceOfSatisfying(SandboxException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("disk gone");
                });
        assertThat(sandbox.exists("/tmp/failing.bin")).isFalse();
        assertThat(sandbox.exec("echo ok").stdout()).isEqualTo("ok\n");
    }

    @Test
    void overwritingAFileReplacesAllOfItsContent() {
        sandbox.exec("printf 'old content that is longer' > /tmp/mode.sh");
        sandbox.writeFile("/tmp/mode.sh", "#!/bin/sh\necho new\n");
        assertThat(sandbox.readFile("/tmp/mode.sh").content()).isEqualTo("#!/bin/sh\necho new\n");
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    /** Deterministic pseudo-random bytes by position, generated on the fly (no copy in memory). */
    static final class RandomStream extends InputStream {
        private final long seed;
        private final long size;
        private long pos;

        RandomStream(long size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                long x = (pos + i) * 0x9E3779B97F4A7C15L + seed;
                b[off + i] = (byte) (x >>> 29 ^ x >>> 47);
            }
            pos += n;
            return n;
        }
    }
}
