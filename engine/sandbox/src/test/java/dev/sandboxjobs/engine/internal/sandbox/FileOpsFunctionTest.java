package dev.sandboxjobs.engine.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper shells' {@code __sj_files} function ({@link Scripts#SESSION_BOOT}) against the
 * {@code bash -c} script a Docker exec runs ({@link Scripts#FILE_OPS}), on this host's bash and
 * file system: the same exit codes, output and effects, operation by operation.
 */
class FileOpsFunctionTest {
    @TempDir
    Path dir;

    private record Run(int exit, String stdout) {}

    /** Runs file operation {@code args} through the function (in a booted shell) or the script. */
    private Run run(boolean function, String... args) throws IOException, InterruptedException {
        List<String> op = Arrays.asList(args);
        return function ? booted(Scripts.fileOpsCall(op).toArray(String[]::new)) : process(Scripts.fileOpsScript(op));
    }

    private static Run process(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private Run both(String... args) throws Exception {
        Run script = run(false, args);
        Run function = run(true, args);
        assertThat(function).as("__sj_files %s", List.of(args)).isEqualTo(script);
        return function;
    }

    @Test
    void eachOperationGivesTheScriptsExitCodesAndOutput() throws Exception {
        String file = dir.resolve("hello.txt").toString();
        Files.writeString(dir.resolve("hello.txt"), "hello");

        assertThat(both("exists", file).exit()).isZero();
        assertThat(both("exists", dir.resolve("none").toString()).exit()).isEqualTo(10);
        assertThat(both("stat", dir.toString()).exit()).isEqualTo(11);
        assertThat(both("read", file, "10")).isEqualTo(new Run(0, "hello"));
        assertThat(both("read", file, "3").exit()).isEqualTo(19);
        assertThat(both("read", dir.toString(), "3").exit()).isEqualTo(11);
        assertThat(both("wfile", dir.resolve("none/x").toString()).exit()).isEqualTo(13);
        assertThat(both("wfile", dir.resolve("hello.txt/x").toString()).exit()).isEqualTo(12);
        assertThat(both("delete", dir.toString()).exit()).isEqualTo(11);
        assertThat(both("rename", file, dir.resolve("none/x").toString()).exit()).isEqualTo(13);
        assertThat(both("no-such-op", file).exit()).isEqualTo(2);
        assertThat(both("list", dir.toString()).stdout()).contains("f\t5\t").contains("\thello.txt\0");
    }

    @Test
    void operationsWithEffectsHaveTheSameOnes() throws Exception {
        for (boolean function : new boolean[] {false, true}) {
            Path d = Files.createDirectories(dir.resolve(function ? "function" : "script"));
            Files.writeString(d.resolve("a"), "one,");
            Files.writeString(d.resolve("b"), "two");

            assertThat(run(function, "mkdir", d.resolve("sub").toString()).exit()).isZero();
            assertThat(run(function, "mkdir", d.resolve("sub").toString()).exit()).isEqualTo(14);
            assertThat(run(function, "concat", d.resolve("ab").toString(), d.resolve("a").toString(),
                    d.resolve("b").toString()).exit()).isZero();
            assertThat(run(function, "rename", d.resolve("ab").toString(), d.resolve("sub/c").toString()).exit()).isZero();
            assertThat(run(function, "delete", d.resolve("sub/missing").toString()).exit()).isEqualTo(10);

            // concat joins the parts and removes them (its shift works on the function's arguments)
            assertThat(Files.readString(d.resolve("sub/c"))).isEqualTo("one,two");
            assertThat(d.resolve("a")).doesNotExist();
            assertThat(d.resolve("b")).doesNotExist();
        }
    }

    /** Runs {@code argv} in a shell booted as a helper shell is, as a call to it (HelperShells) runs it. */
    private static Run booted(String... argv) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("bash", "-c", Scripts.SESSION_BOOT + "\"$@\"", "sj-boot"));
        all.addAll(List.of(argv));
        return process(all);
    }

    @Test
    void smallWritesGoThroughTheShellsPutFunction() throws Exception {
        Path text = dir.resolve("notes.txt");
        Path binary = dir.resolve("blob.bin");
        Files.writeString(text, "old");

        assertThat(booted("__sj_put", text.toString(), "text", "line 1\n$(not run) `id`\n").exit()).isZero();
        assertThat(booted("__sj_put", binary.toString(), "base64", "AAEC/w==").exit()).isZero();
        assertThat(booted("__sj_put", dir.resolve("none/x").toString(), "text", "x").exit()).isEqualTo(13);
        assertThat(booted("__sj_put", dir.toString(), "text", "x").exit()).isEqualTo(11);
        assertThat(booted("__sj_put", text.resolve("x").toString(), "text", "x").exit()).isEqualTo(12);

        assertThat(Files.readString(text)).isEqualTo("line 1\n$(not run) `id`\n");
        assertThat(Files.readAllBytes(binary)).containsExactly(0, 1, 2, 0xff);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(binary)))
                .isEqualTo("rw-r--r--");
        // nothing is left beside the files: each was written under a temporary name and renamed
        try (var names = Files.list(dir)) {
            assertThat(names.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("notes.txt", "blob.bin");
        }
    }

    /**
     * {@code __sj_recv PATH TEMP SIZE TOKEN COMMIT} in a booted shell whose stdin holds {@code stdin}:
     * what it printed, its exit code, then what it left of stdin ({@code cat}); nothing more once the
     * function exited the shell.
     */
    private static String received(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("bash", "-c",
                Scripts.SESSION_BOOT + "__sj_recv \"$@\"; echo \" exit $?\"; cat", "sj-boot"));
        all.addAll(List.of(args));
        Process p = new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void streamedWritesTakeExactlyTheirBytesOffStdinWhateverHappens() throws Exception {
        Path target = dir.resolve("streamed.txt");
        Files.writeString(target, "old content, longer than the new");
        String content = "echo not run\n$(id)\0 tail";
        byte[] stdin = (content + "OK\0echo after").getBytes(StandardCharsets.UTF_8);
        String size = Integer.toString(content.getBytes(StandardCharsets.UTF_8).length);
        String temp = dir.resolve(".sj-partial-1").toString();

        // written: the token once ready, the code, then the rest of stdin untouched
        assertThat(received(stdin, target.toString(), temp, size, "GO", "OK")).isEqualTo("GO exit 0\necho after");
        assertThat(Files.readString(target)).isEqualTo(content);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-r--r--");
        // refused before the token: nothing read (the caller sends nothing then)
        assertThat(received(stdin, dir.resolve("none/x").toString(), temp, size, "GO", "OK"))
                .isEqualTo(" exit 13\n" + content + "OK\0echo after");
        assertThat(received(stdin, dir.toString(), temp, size, "GO", "OK"))
                .isEqualTo(" exit 11\n" + content + "OK\0echo after");
        // failing after the token (the temporary name is a directory): every byte still taken
        Files.createDirectory(dir.resolve("busy"));
        assertThat(received(stdin, dir.resolve("other.txt").toString(), dir.resolve("busy").toString(), size, "GO", "OK"))
                .isEqualTo("GO exit 20\necho after");
        assertThat(dir.resolve("other.txt")).doesNotExist();
        try (var names = Files.list(dir)) {
            assertThat(names.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("streamed.txt", "busy");
        }
    }

    @Test
    void aStreamedWriteCutShortOrNotCommittedReplacesNothingAndEndsTheShell() throws Exception {
        Path target = dir.resolve("kept.txt");
        Files.writeString(target, "old content");
        String content = "echo not run\n".repeat(20);
        String size = Integer.toString(content.length());
        String temp = dir.resolve(".sj-partial-2").toString();

        // the input ends halfway (the engine closed a stalled write): head stops short, nothing is renamed
        byte[] half = content.substring(0, content.length() / 2).getBytes(StandardCharsets.UTF_8);
        assertThat(received(half, target.toString(), temp, size, "GO", "OK")).isEqualTo("GO");
        // all of the bytes, but not followed by the commit record: the shell ends before reading on
        byte[] uncommitted = (content + "XX\0echo after").getBytes(StandardCharsets.UTF_8);
        assertThat(received(uncommitted, target.toString(), temp, size, "GO", "OK")).isEqualTo("GO");

        assertThat(Files.readString(target)).isEqualTo("old content");
        try (var names = Files.list(dir)) {
            assertThat(names.map(f -> f.getFileName().toString())).containsExactly("kept.txt");
        }
    }
}
