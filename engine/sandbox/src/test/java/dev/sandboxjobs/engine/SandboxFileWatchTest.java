package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.FileWatchEvent.Type;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File watch on real Docker: events as they happen, recursion, filters, and the bound on memory. */
@RequiresDocker
class SandboxFileWatchTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
        sandbox = engine.getSandbox("file-watch", SandboxOptions.builder().keepAlive(true).network(NetworkMode.NONE).build());
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

    /** Reads events until {@code count} arrived or the watch has been quiet for 10 s. */
    static List<FileWatchEvent> take(FileWatch watch, int count) {
        List<FileWatchEvent> events = new ArrayList<>();
        while (events.size() < count) {
            Optional<FileWatchEvent> e = watch.poll(Duration.ofSeconds(10));
            if (e.isEmpty()) {
                break;
            }
            events.add(e.get());
        }
        return events;
    }

    static List<String> described(List<FileWatchEvent> events) {
        return events.stream().map(e -> e.type() + " " + e.path() + (e.isDirectory() ? "/" : "")).toList();
    }

    @Test
    void createModifyMoveAndDeleteArriveInOrder() {
        sandbox.mkdir("/workspace/w1", true);
        try (FileWatch watch = sandbox.watch("/workspace/w1")) {
            sandbox.exec("cd /workspace/w1 && touch a && echo hi >> a && mv a b && rm b");

            assertThat(described(take(watch, 5))).containsExactly(
                    "CREATE /workspace/w1/a", "MODIFY /workspace/w1/a", "MOVE_FROM /workspace/w1/a",
                    "MOVE_TO /workspace/w1/b", "DELETE /workspace/w1/b");
            assertThat(watch.isActive()).isTrue();
        }
    }

    @Test
    void aRecursiveWatchSeesNewSubdirectoriesAndANonRecursiveOneDoesNot() {
        sandbox.mkdir("/workspace/w2", true);
        try (FileWatch deep = sandbox.watch("/workspace/w2", true); FileWatch flat = sandbox.watch("/workspace/w2")) {
            sandbox.exec("mkdir -p /workspace/w2/src && sleep 0.3 && echo 'x' > /workspace/w2/src/app.ts");

            assertThat(described(take(deep, 3))).containsExactly(
                    "CREATE /workspace/w2/src/", "CREATE /workspace/w2/src/app.ts", "MODIFY /workspace/w2/src/app.ts");
            assertThat(described(take(flat, 1))).containsExactly("CREATE /workspace/w2/src/");
            assertThat(flat.poll(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void includeAndExcludeFilterByGlob() {
        sandbox.mkdir("/workspace/w3/node_modules", true);
        WatchOptions options = WatchOptions.builder().recursive(true).include("*.ts").exclude("node_modules").build();
        try (FileWatch watch = sandbox.watch("/workspace/w3", options)) {
            sandbox.exec("cd /workspace/w3 && touch node_modules/dep.ts notes.md main.ts");

            assertThat(described(take(watch, 1))).containsExactly("CREATE /workspace/w3/main.ts");
            assertThat(watch.poll(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void aSlowReaderGetsAnOverflowEventInsteadOfUnboundedMemory() {
        sandbox.mkdir("/workspace/w4", true);
        try (FileWatch watch = sandbox.watch("/workspace/w4", WatchOptions.builder().maxPendingEvents(10).build())) {
            sandbox.exec("cd /workspace/w4 && for i in $(seq 1 200); do touch f$i; done && touch last");
            // the watcher emits all 201 creates before this reads anything: only 10 fit
            sandbox.exec("sleep 1");

            List<FileWatchEvent> events = take(watch, 11);

            assertThat(events).hasSizeLessThanOrEqualTo(12);
            FileWatchEvent overflow = events.stream().filter(e -> e.type() == Type.OVERFLOW).findFirst().orElseThrow();
            assertThat(overflow.dropped()).isPositive();
            assertThat(watch.droppedEvents()).isEqualTo(events.stream().mapToLong(FileWatchEvent::dropped).sum());
            assertThat(events.stream().filter(e -> e.type() == Type.CREATE).count() + watch.droppedEvents()).isEqualTo(201);
        }
    }

    @Test
    void theEventsStreamEndsWhenTheWatchedDirectoryIsDeleted() {
        sandbox.mkdir("/workspace/w5", true);
        FileWatch watch = sandbox.watch("/workspace/w5");
        sandbox.exec("touch /workspace/w5/x && rm -r /workspace/w5");

        List<String> all = watch.events().map(e -> e.type() + " " + e.path()).collect(Collectors.toList());

        assertThat(all).contains("CREATE /workspace/w5/x", "DELETE /workspace/w5/x");
        assertThat(watch.isActive()).isFalse();
        watch.close();
        watch.close();
    }

    @Test
    void watchingAMissingPathIsFileNotFound() {
        assertThatThrownBy(() -> sandbox.watch("/workspace/does-not-exist"))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));
        assertThatThrownBy(() -> sandbox.watch(""))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_PATH));
        assertThatThrownBy(() -> WatchOptions.builder().maxPendingEvents(0).build())
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
