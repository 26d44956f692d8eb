package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory backups (stored in the engine's data directory) and whole-sandbox snapshots, on real Docker. */
@RequiresDocker
class SandboxBackupsAndSnapshotsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
        sandbox = engine.getSandbox("backups", SandboxOptions.builder().user("root").keepAlive(true).network(NetworkMode.NONE).build());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.listSnapshots().forEach(s -> engine.deleteSnapshot(s.id()));
            engine.expireBackupsAndSnapshots();
            engine.close();
        }
    }

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    @Test
    void aRestoredDirectoryIsExactlyAsBackedUpWithModesAndLinks() {
        sandbox.exec("mkdir -p /workspace/app/src && cd /workspace/app && echo 'v1' > src/main.txt"
                + " && printf '#!/bin/sh\\necho run\\n' > run.sh && chmod 750 run.sh && ln -s src/main.txt current");
        DirectoryBackup backup = sandbox.createBackup("/workspace/app", BackupOptions.builder().name("v1").build());

        sandbox.exec("cd /workspace/app && echo 'v2' > src/main.txt && rm run.sh && touch added-later");
        sandbox.restoreBackup(backup);

        assertThat(sandbox.readFile("/workspace/app/src/main.txt").content()).isEqualTo("v1\n");
        assertThat(sandbox.exec("cd /workspace/app && ./run.sh && stat -c %a run.sh && readlink current && ls").stdout())
                .isEqualTo("run\n750\nsrc/main.txt\ncurrent\nrun.sh\nsrc\n");
        assertThat(backup.name()).isEqualTo("v1");
        assertThat(backup.dir()).isEqualTo("/workspace/app");
        assertThat(backup.expiresAt()).isEqualTo(backup.createdAt().plus(BackupOptions.DEFAULT_TTL));
        assertThat(Files.exists(dir.resolve("backups").resolve(backup.id() + ".tar.gz"))).isTrue();
        assertThat(engine.findBackup(backup.id())).contains(backup);
    }

    @Test
    void aRestoreThatFailsLeavesTheDirectoryAsItWas() throws Exception {
        sandbox.exec("mkdir -p /workspace/keep/sub && cd /workspace/keep && head -c 300000 /dev/urandom > sub/data.bin"
                + " && echo 'v1' > a.txt && echo hidden > .env");
        DirectoryBackup backup = sandbox.createBackup("/workspace/keep");
        sandbox.exec("cd /workspace/keep && echo 'v2' > a.txt && touch added-since");
        // the stored archive loses its second half (a disk or a copy gone wrong): Docker cannot extract it whole
        Path stored = dir.resolve("backups").resolve(backup.id() + ".tar.gz");
        byte[] whole = Files.readAllBytes(stored);
        Files.write(stored, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> sandbox.restoreBackup(backup)).isInstanceOf(SandboxException.class)
                .hasMessageContaining(backup.id());

        assertThat(sandbox.exec("cd /workspace/keep && cat a.txt && ls -A").stdout())
                .as("the directory as it was before the restore, and no staging directory left")
                .isEqualTo("v2\n.env\na.txt\nadded-since\nsub\n");
        Files.write(stored, whole);
        sandbox.restoreBackup(backup);
        assertThat(sandbox.exec("cd /workspace/keep && cat a.txt .env && ls -A && stat -c %s sub/data.bin").stdout())
                .isEqualTo("v1\nhidden\n.env\na.txt\nsub\n300000\n");
    }

    @Test
    void excludesAndGitignoreLeaveFilesOut() {
        sandbox.exec("mkdir -p /workspace/proj/node_modules/dep /workspace/proj/build /workspace/proj/src && cd /workspace/proj"
                + " && git init -q && echo 'build/' > .gitignore && echo keep > src/a.ts && echo dep > node_modules/dep/i.js"
                + " && echo out > build/out.js && echo log > debug.log");

        DirectoryBackup backup = sandbox.createBackup("/workspace/proj", BackupOptions.builder()
                .exclude("node_modules", "*.log").gitignore(true).build());
        sandbox.restoreBackup(backup, "/tmp/proj-copy");

        assertThat(sandbox.exec("cd /tmp/proj-copy && find . -not -path './.git/*' -not -name .git | sort").stdout())
                .isEqualTo(".\n./.gitignore\n./src\n./src/a.ts\n");
    }

    @Test
    void aBackupRestoresIntoAnotherSandbox() {
        sandbox.exec("mkdir -p /home/data && echo 'shared' > /home/data/f.txt");
        DirectoryBackup backup = sandbox.createBackup("/home/data");
        Sandbox other = engine.getSandbox("backups-other", SandboxOptions.builder().user("root").network(NetworkMode.NONE).build());
        try {
            other.restoreBackup(backup);

            assertThat(other.readFile("/home/data/f.txt").content()).isEqualTo("shared\n");
        } finally {
            other.destroy();
        }
    }

    @Test
    void backupsAreListedDeletedAndExpired() {
        sandbox.mkdir("/tmp/short", true);
        DirectoryBackup shortLived = sandbox.createBackup("/tmp/short", BackupOptions.builder().ttl(Duration.ofMillis(1)).build());
        DirectoryBackup kept = sandbox.createBackup("/tmp/short");

        assertThat(engine.listBackups()).contains(shortLived, kept);
        assertCode(ErrorCode.BACKUP_NOT_FOUND, () -> sandbox.restoreBackup(shortLived));
        assertThat(engine.expireBackupsAndSnapshots()).isGreaterThanOrEqualTo(1);
        assertThat(engine.listBackups()).doesNotContain(shortLived).contains(kept);
        assertThat(engine.deleteBackup(kept.id())).isTrue();
        assertThat(engine.deleteBackup(kept.id())).isFalse();
        assertCode(ErrorCode.BACKUP_NOT_FOUND, () -> sandbox.restoreBackup(kept));
    }

    @Test
    void badBackupInputIsATypedError() {
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.createBackup("/etc"));
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.createBackup("/workspace/../etc"));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.createBackup("/workspace/missing"));
        sandbox.writeFile("/tmp/a-file", "x");
        assertCode(ErrorCode.NOT_A_DIRECTORY, () -> sandbox.createBackup("/tmp/a-file"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> BackupOptions.builder().ttl(Duration.ZERO).build());
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> BackupOptions.builder().name("bad\nname").build());
        DirectoryBackup fake = new DirectoryBackup("00000000-0000-0000-0000-000000000000", "/workspace", null, "x",
                Instant.now(), Instant.now().plusSeconds(60), 0);
        assertCode(ErrorCode.BACKUP_NOT_FOUND, () -> sandbox.restoreBackup(fake));
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.restoreBackup(fake, "/usr/lib"));
    }

    @Test
    void aSnapshotStartsSeveralSandboxesWithItsInstalledFiles() {
        Sandbox base = engine.getSandbox("snapshot-base", SandboxOptions.builder().user("root").network(NetworkMode.NONE).build());
        Sandbox a = null;
        Sandbox b = null;
        try {
            base.exec("mkdir -p /opt/tool && printf '#!/bin/sh\\necho tool 1.0\\n' > /usr/local/bin/tool"
                    + " && chmod +x /usr/local/bin/tool && echo data > /workspace/seed.txt");
            SandboxSnapshot snapshot = base.snapshot(SnapshotOptions.named("with tool"));

            a = engine.getSandbox("fork-a", SandboxOptions.builder().user("root").fromSnapshot(snapshot).network(NetworkMode.NONE).build());
            b = engine.getSandbox("fork-b", SandboxOptions.builder().user("root").fromSnapshot(snapshot).network(NetworkMode.NONE).build());
            a.writeFile("/workspace/seed.txt", "changed in a");

            assertThat(a.exec("tool").stdout()).isEqualTo("tool 1.0\n");
            assertThat(b.exec("tool && cat /workspace/seed.txt").stdout()).isEqualTo("tool 1.0\ndata\n");
            assertThat(base.readFile("/workspace/seed.txt").content()).isEqualTo("data\n");
            assertThat(snapshot.name()).isEqualTo("with tool");
            assertThat(snapshot.sandboxId()).isEqualTo("snapshot-base");
            assertThat(engine.listSnapshots()).extracting(SandboxSnapshot::id).contains(snapshot.id());

            assertThat(engine.deleteSnapshot(snapshot.id())).isTrue();
            assertThat(a.exec("tool").stdout()).isEqualTo("tool 1.0\n");
            assertCode(ErrorCode.SNAPSHOT_NOT_FOUND, () -> engine.getSandbox("fork-c",
                    SandboxOptions.builder().user("root").fromSnapshot(snapshot).build()));
            assertThat(engine.findSnapshot(snapshot.id())).isEmpty();
        } finally {
            for (Sandbox s : List.of(base)) {
                s.destroy();
            }
            if (a != null) {
                a.destroy();
            }
            if (b != null) {
                b.destroy();
            }
        }
    }

    @Test
    void anExpiredSnapshotIsDeletedByTheEngine() {
        SandboxSnapshot snapshot = sandbox.snapshot(SnapshotOptions.named("brief").withTtl(Duration.ofMillis(1)));

        engine.expireBackupsAndSnapshots();

        assertThat(engine.findSnapshot(snapshot.id())).isEmpty();
    }

    @Test
    void aDestroyedSandboxCannotBeSnapshotted() {
        Sandbox gone = engine.getSandbox("snapshot-gone", SandboxOptions.builder().user("root").network(NetworkMode.NONE).build());
        gone.destroy();

        assertCode(ErrorCode.SANDBOX_DESTROYED, gone::snapshot);
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> SnapshotOptions.named("x").withTtl(Duration.ofSeconds(-1)));
    }
}
