package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.FileInfo;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.testing.RequiresDockerHook;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * Hostile paths and contents against the file API of one shared sandbox: every call gives a typed
 * {@link SandboxException} or behaves correctly, no input runs as a shell command, and after each
 * try a plain exec still works.
 */
@AddLifecycleHook(RequiresDockerHook.class)
@Tag("reliability")
class FileApiPropertiesTest {
    private static final String ROOT = "/workspace/fuzz";
    private static final String PWNED = "/tmp/pwned";
    private static Path dir;
    private static SandboxEngine engine;
    private static Sandbox sandbox;

    private static synchronized Sandbox sandbox() {
        if (sandbox == null) {
            try {
                dir = Files.createTempDirectory("file-api-properties");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            engine = TestEngines.create(dir);
            sandbox = engine.getSandbox("file-api-properties");
            sandbox.mkdir(ROOT, true);
            sandbox.exec("ln -sfn /etc " + ROOT + "/link-out && ln -sfn / " + ROOT + "/link-root");
        }
        return sandbox;
    }

    @AfterContainer
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
            engine.close();
            sandbox = null;
        }
    }

    @AfterTry
    void theSandboxStillAnswersAndNothingWasInjected() {
        if (sandbox != null) {
            assertThat(sandbox.exec("echo ok").stdout()).isEqualTo("ok\n");
            assertThat(sandbox.exists(PWNED)).as("a path was run as a shell command").isFalse();
        }
    }

    @Provide
    Arbitrary<String> hostilePaths() {
        Arbitrary<String> part = Arbitraries.oneOf(
                Arbitraries.of("..", ".", "", "a", "b.txt", "ü-ñ-日本語", "emoji 😀", "with space", "semi;colon",
                        "$(touch " + PWNED + ")", "`touch " + PWNED + "`", "';touch " + PWNED + ";'", "\"dq\"",
                        "new\nline", "tab\t", "star*", "-rf", "--help", "nul\0byte", "back\\slash", "link-out",
                        "link-root", "~", "%s%n", "\u202Ertl", "\uFFFD"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withChars('x').ofMinLength(250).ofMaxLength(600));
        return part.list().ofMinSize(1).ofMaxSize(5).flatMap(parts -> Arbitraries.of(
                ROOT + "/" + String.join("/", parts), String.join("/", parts), "/" + String.join("/", parts)));
    }

    /** The path after "..", "." and "//" are resolved like the engine does, or null when unresolvable. */
    static String normalize(String path) {
        if (path.isEmpty() || path.indexOf('\0') >= 0) {
            return null;
        }
        String full = path.startsWith("/") ? path : "/workspace/" + path;
        Deque<String> parts = new ArrayDeque<>();
        for (String p : full.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Mutations only where they cannot break the shared sandbox itself: below ROOT and not through a link. */
    static boolean mayMutate(String path) {
        String n = normalize(path);
        return n != null && n.startsWith(ROOT + "/") && !n.contains("/link-");
    }

    private static void typedOrFine(Runnable call) {
        try {
            call.run();
        } catch (SandboxException e) {
            assertThat(e.code()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static <T> T typedOrValue(Supplier<T> call) {
        try {
            return call.get();
        } catch (SandboxException e) {
            assertThat(e.code()).isNotNull();
            return null;
        }
    }

    @Property(tries = 60)
    void everyFileCallOnAHostilePathIsATypedErrorOrWorks(@ForAll("hostilePaths") String path,
            @ForAll byte[] content) {
        Sandbox sb = sandbox();
        typedOrValue(() -> sb.exists(path));
        typedOrValue(() -> sb.listFiles(path));
        typedOrValue(() -> sb.readFileBytes(path));
        if (path.indexOf('\0') >= 0 || path.isEmpty()) {
            assertThatThrownBy(() -> sb.readFileBytes(path)).isInstanceOf(SandboxException.class)
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_PATH));
        }
        if (mayMutate(path)) {
            typedOrFine(() -> sb.mkdir(path, true));
            typedOrFine(() -> sb.deleteFile(path));
            boolean written;
            try {
                sb.writeFile(path, content);
                written = true;
            } catch (SandboxException e) {
                assertThat(e.code()).isNotNull();
                written = false;
            }
            if (written) {
                assertThat(sb.readFileBytes(path)).as("read back %s", path).isEqualTo(content);
                assertThat(sb.exists(path)).isTrue();
                typedOrFine(() -> sb.renameFile(path, path + ".moved"));
                typedOrFine(() -> sb.deleteFile(path + ".moved"));
                typedOrFine(() -> sb.deleteFile(path));
                assertThat(sb.exists(path)).isFalse();
            }
        }
    }

    @Provide
    Arbitrary<String> fileNames() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(60)
                .filter(s -> s.indexOf('/') < 0 && s.indexOf('\0') < 0 && !s.equals(".") && !s.equals("..")
                        && s.getBytes(StandardCharsets.UTF_8).length <= 255
                        && s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
    }

    @Property(tries = 30)
    void anyLegalNameRoundTripsBytesThroughWriteListRenameAndDelete(@ForAll("fileNames") String name,
            @ForAll byte[] content) {
        Sandbox sb = sandbox();
        String dirPath = ROOT + "/names";
        sb.mkdir(dirPath, true);
        String path = dirPath + "/" + name;
        sb.writeFile(path, content);
        assertThat(sb.readFileBytes(path)).isEqualTo(content);
        assertThat(sb.listFiles(dirPath)).extracting(FileInfo::name).contains(name);
        sb.renameFile(path, path + "-renamed");
        assertThat(sb.exists(path)).isFalse();
        assertThat(sb.readFileBytes(path + "-renamed")).isEqualTo(content);
        sb.deleteFile(path + "-renamed");
        assertThat(sb.listFiles(dirPath)).isEmpty();
    }

    @Property(tries = 20)
    void nonUtf8ContentIsKeptByteForByte(@ForAll byte[] content) {
        Sandbox sb = sandbox();
        byte[] hostile = Arrays.copyOf(content, content.length + 4);
        hostile[content.length] = (byte) 0xC3;
        hostile[content.length + 1] = (byte) 0x28;
        hostile[content.length + 2] = (byte) 0xFF;
        hostile[content.length + 3] = 0;
        sb.writeFile(ROOT + "/binary.bin", hostile);
        assertThat(sb.readFileBytes(ROOT + "/binary.bin")).isEqualTo(hostile);
        assertThat(sb.exec(List.of("stat", "-c", "%s", ROOT + "/binary.bin")).stdout().trim())
                .isEqualTo(String.valueOf(hostile.length));
    }

    @Example
    void emptyAndBigFilesAreKeptExactly() throws Exception {
        Sandbox sb = sandbox();
        sb.writeFile(ROOT + "/empty", new byte[0]);
        assertThat(sb.readFileBytes(ROOT + "/empty")).isEmpty();
        long big = 64L << 20;
        try (InputStream in = new RepeatingStream(big)) {
            sb.writeFile(ROOT + "/big", in, big);
        }
        assertThat(sb.exec(List.of("stat", "-c", "%s", ROOT + "/big")).stdout().trim()).isEqualTo(String.valueOf(big));
        long read = 0;
        try (InputStream in = sb.readFileStream(ROOT + "/big")) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                read += n;
            }
        }
        assertThat(read).isEqualTo(big);
        sb.deleteFile(ROOT + "/big");
    }

    @Example
    void symlinksPointingOutsideAreFollowedInsideTheSandboxAndDeletingALinkKeepsItsTarget() {
        Sandbox sb = sandbox();
        // the link leads to the sandbox's own /etc, never the host's
        assertThat(sb.readFile(ROOT + "/link-out/hostname").content().trim())
                .isEqualTo(sb.exec("cat /etc/hostname").stdout().trim());
        assertThat(sb.listFiles(ROOT + "/link-root")).extracting(FileInfo::name).contains("workspace", "etc");
        sb.exec("ln -sfn /etc/hostname " + ROOT + "/to-hostname");
        sb.deleteFile(ROOT + "/to-hostname");
        assertThat(sb.exists(ROOT + "/to-hostname")).isFalse();
        assertThat(sb.exists("/etc/hostname")).isTrue();
        // a link loop and a dangling link
        sb.exec("ln -sfn " + ROOT + "/loop-b " + ROOT + "/loop-a && ln -sfn " + ROOT + "/loop-a " + ROOT + "/loop-b");
        assertThatThrownBy(() -> sb.readFileBytes(ROOT + "/loop-a")).isInstanceOf(SandboxException.class);
        sb.deleteFile(ROOT + "/loop-a");
        sb.deleteFile(ROOT + "/loop-b");
        sb.exec("ln -sfn /nowhere " + ROOT + "/dangling");
        assertThatThrownBy(() -> sb.readFileBytes(ROOT + "/dangling")).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));
        sb.deleteFile(ROOT + "/dangling");
    }

    /** {@code size} bytes of a repeating pattern, without holding them in memory. */
    private static final class RepeatingStream extends InputStream {
        private final byte[] pattern = "0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private long pos;

        RepeatingStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return pos < size ? pattern[(int) (pos++ % pattern.length)] : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = pattern[(int) (pos++ % pattern.length)];
            }
            return n;
        }
    }

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
