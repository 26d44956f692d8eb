package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.S3MockServer;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Bucket mounts against a real S3-compatible server (S3Mock from Maven Central), read-only and
 * read-write, in a sandbox with no network at all: the engine carries every byte.
 */
@RequiresDocker
class SandboxBucketMountsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static S3MockServer s3;

    @BeforeAll
    static void start() {
        s3 = S3MockServer.get();
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
        sandbox = engine.getSandbox("buckets", SandboxOptions.builder().keepAlive(true).network(NetworkMode.NONE).build());
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

    static void put(String bucket, String key, String content) {
        s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    static String get(String bucket, String key) {
        return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    static List<String> keys(String bucket) {
        return s3.client().listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    static MountBucketOptions.Builder options() {
        return MountBucketOptions.builder().endpoint(s3.endpoint())
                .credentials(Secret.of("test-key"), Secret.of("test-secret"));
    }

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    @Test
    void aReadOnlyMountShowsTheObjectsAndWritesNothingBack() {
        s3.createBucket("datasets");
        put("datasets", "train.csv", "a,b\n1,2\n");
        put("datasets", "images/cat.txt", "meow");

        sandbox.mountBucket("datasets", "/data", options().readOnly(true).build());

        assertThat(sandbox.exec("cat /data/train.csv /data/images/cat.txt").stdout()).isEqualTo("a,b\n1,2\nmeow");
        assertThat(sandbox.exec("stat -c %a /data/train.csv /data").stdout()).isEqualTo("444\n555\n");
        assertThat(sandbox.exec("su nobody -s /bin/sh -c 'echo x > /data/new.txt'").exitCode()).isNotZero();
        assertThat(sandbox.listBucketMounts()).containsExactly(new BucketMount("datasets", "/data", "", true, true));
        sandbox.unmountBucket("/data");
        assertThat(keys("datasets")).containsExactly("images/cat.txt", "train.csv");
        assertThat(sandbox.exec("ls -A /data").stdout()).isEmpty();
    }

    @Test
    void aReadWriteMountUploadsWritesMovesAndDeletes() {
        s3.createBucket("results");
        put("results", "old.txt", "old");
        put("results", "gone.txt", "bye");
        sandbox.mountBucket("results", "/workspace/results", options().build());

        // files written at once into new directories race the watcher's new watches
        sandbox.exec("cd /workspace/results && mkdir -p run1 && echo '{\"score\": 0.9}' > run1/metrics.json"
                + " && mkdir -p deep/a/b/c && echo deep > deep/a/b/c/f.txt"
                + " && mv old.txt renamed.txt && rm gone.txt");
        sandbox.writeFile("/workspace/results/api.txt", "written through the API");
        sandbox.unmountBucket("/workspace/results");

        assertThat(keys("results")).containsExactly("api.txt", "deep/a/b/c/f.txt", "renamed.txt", "run1/metrics.json");
        assertThat(get("results", "run1/metrics.json")).isEqualTo("{\"score\": 0.9}\n");
        assertThat(get("results", "renamed.txt")).isEqualTo("old");
        assertThat(get("results", "api.txt")).isEqualTo("written through the API");
    }

    @Test
    void aPrefixMountsOnlyItsKeysAndWritesUnderIt() {
        s3.createBucket("shared");
        put("shared", "users/u1/profile.txt", "u1");
        put("shared", "users/u2/profile.txt", "u2");
        sandbox.mountBucket("shared", "/user-data", options().prefix("/users/u1/").build());

        assertThat(sandbox.exec("find /user-data -type f").stdout()).isEqualTo("/user-data/profile.txt\n");
        sandbox.exec("echo note > /user-data/note.txt");
        sandbox.unmountBucket("/user-data");

        assertThat(keys("shared")).containsExactly("users/u1/note.txt", "users/u1/profile.txt", "users/u2/profile.txt");
    }

    @Test
    void aBucketThatDoesNotAnswerIsATypedError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertCode(ErrorCode.BUCKET_UNAVAILABLE, () -> sandbox.mountBucket("any", "/mnt/nothing",
                MountBucketOptions.builder().endpoint("http://127.0.0.1:" + closed).build()));
        assertCode(ErrorCode.BUCKET_UNAVAILABLE, () -> sandbox.mountBucket("no-such-bucket", "/mnt/nothing", options().build()));
        assertThat(sandbox.listBucketMounts()).isEmpty();
    }

    @Test
    void badMountsAreTypedErrors() {
        s3.createBucket("misc");
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.mountBucket("misc", "/etc/misc", options().build()));
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.mountBucket("misc", "/", options().build()));
        sandbox.exec("mkdir -p /workspace/full && touch /workspace/full/f");
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.mountBucket("misc", "/workspace/full", options().build()));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.mountBucket("bad/name", "/mnt/x", options().build()));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> MountBucketOptions.builder().build());
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> MountBucketOptions.builder().endpoint("ftp://x").build().bucket("b"));
        put("misc", "big.bin", "0123456789");
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.mountBucket("misc", "/mnt/misc", options().maxBytes(5).build()));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> sandbox.unmountBucket("/mnt/never"));
        // code in the sandbox points a path at a root-owned directory: the bucket must not be written there as root
        sandbox.exec("ln -s /srv /workspace/srv-link");
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.mountBucket("misc", "/workspace/srv-link", options().build()));
        assertCode(ErrorCode.PATH_NOT_ALLOWED, () -> sandbox.mountBucket("misc", "/workspace/srv-link/sub", options().build()));
        assertThat(sandbox.exec("ls -A /srv").stdout()).isEmpty();
    }

    @Test
    void backupsCanLiveInABucket() {
        s3.createBucket("backups");
        try (SandboxEngine other = TestEngines.builder(dir.resolve("other"))
                .image(RuntimeImageForTests.image())
                .backupStorage(BackupStorage.s3(s3.bucket("backups").prefix("team-a"))).build()) {
            Sandbox sb = other.getSandbox("bucket-backups", SandboxOptions.builder().network(NetworkMode.NONE).build());
            try {
                sb.exec("mkdir -p /workspace/p && echo one > /workspace/p/f.txt");
                DirectoryBackup backup = sb.createBackup("/workspace/p");
                sb.exec("echo two > /workspace/p/f.txt");
                sb.restoreBackup(backup);

                assertThat(sb.readFile("/workspace/p/f.txt").content()).isEqualTo("one\n");
                assertThat(keys("backups")).containsExactly("team-a/backups/" + backup.id() + ".json",
                        "team-a/backups/" + backup.id() + ".tar.gz");
                assertThat(other.listBackups()).extracting(DirectoryBackup::id).containsExactly(backup.id());
                assertThat(other.deleteBackup(backup.id())).isTrue();
                assertThat(keys("backups")).isEmpty();
            } finally {
                sb.destroy();
            }
        }
    }
}
