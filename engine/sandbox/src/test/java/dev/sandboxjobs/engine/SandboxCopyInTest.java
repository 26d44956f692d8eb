package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copyIn} extracts the host's tree as the sandbox's user (a {@code tar -x} exec fed the
 * archive on its stdin): the files can only land where that user may write, whatever code in the
 * sandbox does to the path meanwhile; an image without {@code tar} is still copied into (through
 * Docker's archive endpoint).
 */
@RequiresDocker
class SandboxCopyInTest {
    @TempDir static Path dir;
    static SandboxEngine engine;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** A small project: nested directories, an executable, a read-only directory and file, links. */
    static Path project(String name) throws Exception {
        Path host = Files.createTempDirectory(dir, name);
        Files.createDirectories(host.resolve("src/main"));
        Files.writeString(host.resolve("src/main/app.js"), "console.log('app')\n");
        Files.writeString(host.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(host.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(host.resolve("node_modules/.bin"));
        Files.createDirectories(host.resolve("node_modules/tool"));
        Files.writeString(host.resolve("node_modules/tool/cli.js"), "#!/usr/bin/env node\n");
        Files.createSymbolicLink(host.resolve("node_modules/.bin/tool"), Path.of("../tool/cli.js"));
        // a read-only directory holding a read-only file (a module cache, a git pack)
        Files.createDirectories(host.resolve("cache/pkg"));
        Files.writeString(host.resolve("cache/pkg/mod.go"), "package pkg\n");
        Files.setPosixFilePermissions(host.resolve("cache/pkg/mod.go"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(host.resolve("cache/pkg"), PosixFilePermissions.fromString("r-xr-xr-x"));
        return host;
    }

    @Test
    void aProjectWithReadOnlyDirectoriesAndLinksArrivesWholeOwnedByTheUser() throws Exception {
        Sandbox sandbox = engine.getSandbox("copy-in-project");
        Path host = project("project");
        try {
            sandbox.copyIn(host, "/workspace/new/project");

            ExecResult tree = sandbox.exec("cd /workspace/new/project && find . -printf '%y %m %U:%G %p\\n' | sort -k4"
                    + " && readlink node_modules/.bin/tool && ./run.sh");
            assertThat(tree.exitCode()).as(tree.stderr()).isZero();
            assertThat(tree.stdout()).isEqualTo("""
                    d 755 1000:1000 .
                    d 755 1000:1000 ./cache
                    d 555 1000:1000 ./cache/pkg
                    f 444 1000:1000 ./cache/pkg/mod.go
                    d 755 1000:1000 ./node_modules
                    d 755 1000:1000 ./node_modules/.bin
                    l 777 1000:1000 ./node_modules/.bin/tool
                    d 755 1000:1000 ./node_modules/tool
                    f 644 1000:1000 ./node_modules/tool/cli.js
                    f 755 1000:1000 ./run.sh
                    d 755 1000:1000 ./src
                    d 755 1000:1000 ./src/main
                    f 644 1000:1000 ./src/main/app.js
                    ../tool/cli.js
                    ran
                    """);

            // copied again over itself: files are replaced (the read-only one too, its directory made
            // writable by the user first: the copy writes with the user's rights, as the user's cp would)
            Files.setPosixFilePermissions(host.resolve("cache/pkg"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(host.resolve("cache/pkg/mod.go"), PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(host.resolve("cache/pkg/mod.go"), "package pkg // v2\n");
            Files.writeString(host.resolve("src/main/app.js"), "console.log('v2')\n");
            assertThatThrownBy(() -> sandbox.copyIn(host, "/workspace/new/project"))
                    .hasMessageContaining("cache/pkg/mod.go").hasMessageContaining("chmod -R u+w");
            sandbox.exec("chmod -R u+w /workspace/new/project");
            sandbox.copyIn(host, "/workspace/new/project");
            assertThat(sandbox.exec("cd /workspace/new/project && cat cache/pkg/mod.go src/main/app.js && stat -c %a cache/pkg")
                    .stdout()).isEqualTo("package pkg // v2\nconsole.log('v2')\n755\n");
        } finally {
            sandbox.destroy();
        }
    }

    @Test
    void whatTheUserCannotWriteIsRefusedWithTarsReason() throws Exception {
        // Docker's archive endpoint extracted as root, and wrote into the user's read-only directory
        Sandbox sandbox = engine.getSandbox("copy-in-refused");
        try {
            sandbox.exec("mkdir -p /workspace/ro/src && chmod 555 /workspace/ro/src");
            Path host = Files.createTempDirectory(dir, "refused");
            Files.createDirectories(host.resolve("src"));
            Files.writeString(host.resolve("src/a.txt"), "a");

            assertThatThrownBy(() -> sandbox.copyIn(host, "/workspace/ro"))
                    .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_ERROR))
                    .hasMessageContaining("src/a.txt").hasMessageContaining("Permission denied")
                    .hasMessageContaining("as the sandbox's user");
            assertThat(sandbox.exec("test -e /workspace/ro/src/a.txt").exitCode()).isNotZero();
        } finally {
            sandbox.destroy();
        }
    }

    @Test
    void copiesRacingADirectorySwappedForALinkNeverPutAFileWhereTheUserCannotWrite() throws Exception {
        // code in the sandbox swaps the copy's target for a link to /etc, over and over, between
        // the engine's check (as the user) and the extraction
        Sandbox raced = engine.getSandbox("copy-in-race");
        Path host = Files.createTempDirectory(dir, "race");
        Files.createDirectories(host.resolve("sj-copy-race-dir"));
        Files.writeString(host.resolve("sj-copy-race-dir/inner.txt"), "inner");
        Files.writeString(host.resolve("sj-copy-race.txt"), "top");
        try {
            raced.exec("mkdir -p /workspace/race/d");
            ProcessInfo swapper = raced.startProcess("cd /workspace/race && while :; do mv d d.real && ln -s /etc d"
                    + " && sleep 0.02; rm -f d; mv d.real d; sleep 0.1; done");
            int copied = 0;
            try {
                for (int i = 0; i < 30; i++) {
                    try {
                        raced.copyIn(host, "/workspace/race/d");
                        copied++;
                    } catch (SandboxException e) {
                        // the target was a link at that moment: refused, as it should be
                    }
                }
            } finally {
                raced.killProcess(swapper.id());
            }
            ExecResult etc = raced.exec("find /etc -name 'sj-copy-race*'");
            assertThat(etc.stdout()).as("files copied into /etc").isEmpty();
            System.out.println("RELIABILITY copies racing a link swap: " + copied + " of 30 copied");
            assertThat(copied).as("some copies got through between the swaps").isPositive();
        } finally {
            raced.destroy();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // a failed exec left the copy blocked on its unread stdin
    void anImageWithoutTarIsStillCopiedInto() throws Exception {
        Sandbox sandbox = engine.getSandbox("copy-in-no-tar");
        try {
            sandbox.exec("true");
            // root hides tar (the sandbox's user cannot): Docker's archive endpoint copies instead
            Process hide = new ProcessBuilder("sh", "-c", "docker exec -u 0 \"$(docker ps -q --filter label=" + Labels.SANDBOX
                    + "=copy-in-no-tar)\" sh -c 'mv \"$(command -v tar)\" /usr/local/tar.off'").redirectErrorStream(true).start();
            assertThat(hide.waitFor()).as(new String(hide.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            assertThat(sandbox.exec("command -v tar").exitCode()).isNotZero();
            Path host = project("no-tar");
            Files.write(host.resolve("src/main/data.bin"), new byte[300_000]); // more than Docker reads of a failed exec's stdin

            sandbox.copyIn(host, "/workspace/no-tar");

            ExecResult tree = sandbox.exec("cd /workspace/no-tar && cat src/main/app.js && stat -c '%a %u %s' cache/pkg run.sh"
                    + " src/main/data.bin");
            assertThat(tree.stdout()).isEqualTo("console.log('app')\n555 1000 4096\n755 1000 19\n644 1000 300000\n");
        } finally {
            sandbox.destroy();
        }
    }
}
