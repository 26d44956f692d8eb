package dev.sandboxjobs.storage.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the preview repository does on every database; each backend's test extends this. */
abstract class PreviewPortRepositoryContractTest {
    /** Opens this test's database (the same one each call). */
    protected abstract Database open();

    @Test
    void aSandboxKeepsOneTokenAndItsPortsInTheOrderExposedUntilForgotten() {
        try (Database db = open()) {
            SandboxRepository sandboxes = new SandboxRepository(db);
            sandboxes.insertIfAbsent(SandboxRepositoryContractTest.aSandbox("a"));
            PreviewPortRepository previews = new PreviewPortRepository(db);

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
        try (Database db = open()) {
            SandboxRepository sandboxes = new SandboxRepository(db);
            sandboxes.insertIfAbsent(SandboxRepositoryContractTest.aSandbox("gone"));
            PreviewPortRepository previews = new PreviewPortRepository(db);
            previews.savePort("gone", "t", 8000, null);

            sandboxes.delete("gone");

            assertThat(previews.list()).isEmpty();
        }
    }
}
