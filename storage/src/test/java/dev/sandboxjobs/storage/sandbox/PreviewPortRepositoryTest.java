package dev.sandboxjobs.storage.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewPortRepositoryTest {
    @TempDir Path dir;

    @Test
    void aSandboxKeepsOneTokenAndItsPortsInTheOrderExposedUntilForgotten() {
        try (Database db = Database.openSqlite(dir.resolve("t.db"))) {
            SandboxRepository sandboxes = new SandboxRepository(db.jdbi());
            sandboxes.insertIfAbsent(SandboxRepositoryTest.aSandbox("a"));
            PreviewPortRepository previews = new PreviewPortRepository(db.jdbi());

            previews.savePort("a", "token-one", 8080, "api");
            previews.savePort("a", "token-two", 3000, null);
            previews.savePort("a", "token-two", 8080, "renamed");

            PreviewPortRepository.Preview p = previews.find("a").orElseThrow();
            Map<Integer, String> expected = new LinkedHashMap<>();
            expected.put(8080, "renamed");
            expected.put(3000, null);
            assertThat(p.token()).isEqualTo("token-one");
            assertThat(p.ports()).containsExactlyEntriesOf(expected);

            assertThat(previews.deletePort("a", 3000)).isTrue();
            assertThat(previews.deletePort("a", 3000)).isFalse();
            assertThat(previews.find("a").orElseThrow().ports()).containsOnlyKeys(8080);

            previews.delete("a");
            assertThat(previews.find("a")).isEmpty();
            assertThat(previews.list()).isEmpty();
        }
    }

    @Test
    void rowsOfADeletedSandboxAreNotListed() {
        try (Database db = Database.openSqlite(dir.resolve("t.db"))) {
            SandboxRepository sandboxes = new SandboxRepository(db.jdbi());
            sandboxes.insertIfAbsent(SandboxRepositoryTest.aSandbox("gone"));
            PreviewPortRepository previews = new PreviewPortRepository(db.jdbi());
            previews.savePort("gone", "t", 8000, null);

            sandboxes.delete("gone");

            assertThat(previews.list()).isEmpty();
        }
    }
}
