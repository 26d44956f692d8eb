package dev.sandboxjobs.storage.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.Database;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every storage backend of the job engine must do; each backend's test extends this and
 * opens its database.
 */
abstract class JobStoreContractTest {
    private Database db;
    private JobStore store;

    protected abstract Database open();

    @BeforeEach
    void openStore() {
        db = open();
        store = new JobStore(db);
    }

    @AfterEach
    void closeStore() {
        db.close();
    }

    static NewRun aQueuedRun(String id, String key) {
        return new NewRun(id, "build", "QUEUED", 0, "{\"n\":1}", null, Map.of("team", "core"),
                "{\"team\":\"core\"}", key, null, null, new RunRow.RetryColumns(3, 1000, 60000, 2.0, 0.5, false),
                null, false, 1_000L, List.of("clone", "test"), "QUEUED");
    }

    @Test
    void aRunIsInsertedWithItsStepsAndLabels() {
        assertThat(store.runs().insert(aQueuedRun("r1", null)).created()).isTrue();
        RunRow r = store.runs().find("r1").orElseThrow();
        assertThat(r.state()).isEqualTo("QUEUED");
        assertThat(r.retry().maxAttempts()).isEqualTo(3);
        assertThat(store.steps().forRun("r1")).extracting(StepRow::name).containsExactly("clone", "test");
        assertThat(store.runs().list(new RunFilter(Set.of(), null, "team", "core", null, null, null, 10)))
                .extracting(RunRow::id).containsExactly("r1");
    }

    @Test
    void anIdempotencyKeySeenBeforeReturnsTheFirstRun() {
        store.runs().insert(aQueuedRun("r1", "k"));
        RunRepository.Inserted again = store.runs().insert(aQueuedRun("r2", "k"));
        assertThat(again.created()).isFalse();
        assertThat(again.id()).isEqualTo("r1");
        assertThat(store.runs().find("r2")).isEmpty();
    }

    @Test
    void aClaimStartsTheRunAndItsFirstUnfinishedStepOnlyOnce() {
        store.runs().insert(aQueuedRun("r1", null));
        assertThat(store.runs().claim(List.of("r1"), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 5L))
                .containsExactly("r1");
        assertThat(store.runs().claim(List.of("r1"), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 6L)).isEmpty();
        RunRow r = store.runs().find("r1").orElseThrow();
        assertThat(r.state()).isEqualTo("RUNNING");
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(store.steps().forRun("r1")).extracting(StepRow::state).containsExactly("RUNNING", "QUEUED");
    }

    @Test
    void aStateChangeIsGuardedByStateAndVersion() {
        store.runs().insert(aQueuedRun("r1", null));
        long version = store.runs().find("r1").orElseThrow().version();
        assertThat(store.runs().transition("r1", "QUEUED", "CANCELLED", version + 1,
                RunRepository.Change.none())).isFalse();
        assertThat(store.runs().transition("r1", "RUNNING", "CANCELLED", version,
                RunRepository.Change.none())).isFalse();
        assertThat(store.runs().transition("r1", "QUEUED", "CANCELLED", version,
                RunRepository.Change.none())).isTrue();
        assertThat(store.runs().find("r1").orElseThrow().version()).isEqualTo(version + 1);
    }

    @Test
    void failuresAreStoredAsColumns() {
        store.runs().insert(aQueuedRun("r1", null));
        store.runs().claim(List.of("r1"), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 5L);
        FailureColumns f = new FailureColumns("java.io.IOException", "refused", "at x", true);
        store.runs().transition("r1", "RUNNING", "FAILED", null,
                new RunRepository.Change(null, f, null, 9L, null, false, false));
        RunRow r = store.runs().find("r1").orElseThrow();
        assertThat(r.failure()).isEqualTo(f);
        assertThat(r.finishedAt()).isEqualTo(9L);
    }

    @Test
    void retentionDeletesOnlyOldFinishedRunsWithEverythingTheyOwn() {
        store.runs().insert(aQueuedRun("old", null));
        store.runs().insert(aQueuedRun("queued", null));
        store.runs().claim(List.of("old"), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 5L);
        store.runs().transition("old", "RUNNING", "SUCCEEDED", null,
                new RunRepository.Change(null, null, null, 10L, null, false, false));
        store.logs().append(List.of(new LogRow(0, "old", 0, "info", 6L, "hello")));
        store.artifacts().put("old", "a.txt", 0, new byte[] {1, 2}, 7L);

        assertThat(store.runs().deleteFinishedBefore(100L, Set.of("SUCCEEDED"), 10)).isEqualTo(1);

        assertThat(store.runs().find("old")).isEmpty();
        assertThat(store.logs().after("old", 0, 10)).isEmpty();
        assertThat(store.artifacts().list("old")).isEmpty();
        assertThat(store.steps().forRun("old")).isEmpty();
        assertThat(store.runs().find("queued")).isPresent();
    }
}
