package dev.sandboxjobs.storage.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.Database;
import org.junit.jupiter.api.Test;

/** What the sandbox repository does on every database; each backend's test extends this. */
abstract class SandboxRepositoryContractTest {
    /** Opens this test's database (the same one each call). */
    protected abstract Database open();

    static SandboxRecord aSandbox(String id) {
        return new SandboxRecord(id, null, "img", "RUNNING", "{}", "{}", "{}", 0, 1000, 1000);
    }

    @Test
    void aSandboxIsInsertedOnceAndItsRowsGoWithIt() {
        try (Database db = open()) {
            SandboxRepository repo = new SandboxRepository(db);
            assertThat(repo.insertIfAbsent(aSandbox("a"))).isTrue();
            assertThat(repo.insertIfAbsent(aSandbox("a"))).isFalse();
            repo.updateContainer("a", "c1", "SLEEPING", 2);
            assertThat(repo.find("a").orElseThrow().containerId()).isEqualTo("c1");
            assertThat(repo.find("a").orElseThrow().generation()).isEqualTo(2);
            assertThat(repo.insertSession(new SessionRecord("a", "s", "{\"K\":\"V\"}", "/w", 1))).isTrue();
            assertThat(repo.insertSession(new SessionRecord("a", "s", "{}", "/w", 1))).isFalse();
            repo.updateSessionCwd("a", "s", "/tmp");
            assertThat(repo.findSession("a", "s").orElseThrow().cwd()).isEqualTo("/tmp");
            repo.insertProcess(new ProcessRecord("a", "p", 7, "sleep 1", "s", 2, "RUNNING", null, 5));
            repo.updateProcessStatus("a", "p", "FAILED", 3);
            assertThat(repo.findProcess("a", "p").orElseThrow().exitCode()).isEqualTo(3);
            repo.touch("a", 500);
            assertThat(repo.find("a").orElseThrow().lastActivityAt()).isEqualTo(1000);
            assertThat(repo.delete("a")).isTrue();
            assertThat(repo.listSessions("a")).isEmpty();
            assertThat(repo.listProcesses("a")).isEmpty();
            assertThat(repo.delete("a")).isFalse();
        }
    }
}
