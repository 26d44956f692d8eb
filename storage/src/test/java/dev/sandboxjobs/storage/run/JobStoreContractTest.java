package dev.sandboxjobs.storage.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.storage.Database;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every storage backend of the job engine must do; each backend's test extends this and
 * opens its database. {@link #open()} opens the same database each time it is called, so a second
 * call stands for a second engine (another process) on it.
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

    static NewRun aRunCreatedAt(String id, String state, long createdAt) {
        return new NewRun(id, "build", state, 0, "{}", null, Map.of(), "{}", null, null, null,
                new RunRow.RetryColumns(1, 1000, 60000, 2.0, 0.5, false), null, false, createdAt, List.of("only"), state);
    }

    @Test
    void runsAreCountedByStateAndByCreationBucket() {
        store.runs().insert(aRunCreatedAt("a", "QUEUED", 10_000));
        store.runs().insert(aRunCreatedAt("b", "FAILED", 10_500));
        store.runs().insert(aRunCreatedAt("c", "FAILED", 12_100));
        store.runs().insert(aRunCreatedAt("old", "SUCCEEDED", 5_000));

        assertThat(store.runs().countByState()).containsExactlyInAnyOrderEntriesOf(
                Map.of("QUEUED", 1L, "FAILED", 2L, "SUCCEEDED", 1L));
        assertThat(store.runs().createdHistogram(10_000, 1_000)).containsExactly(
                new RunRepository.HistogramCell(10_000, "FAILED", 1),
                new RunRepository.HistogramCell(10_000, "QUEUED", 1),
                new RunRepository.HistogramCell(12_000, "FAILED", 1));
    }

    @Test
    void aLabelsRunsArePagedNewestFirstWithTheOtherFilters() {
        for (int i = 0; i < 7; i++) {
            NewRun run = aRunCreatedAt("r" + i, i % 2 == 0 ? "FAILED" : "SUCCEEDED", 1_000 + i);
            store.runs().insert(new NewRun(run.id(), run.workflow(), run.state(), 0, "{}", null,
                    i == 3 ? Map.of("team", "ops") : Map.of("team", "core"), "{}", null, null, null, run.retry(), null, false,
                    run.createdAt(), List.of("only"), run.state()));
        }
        RunFilter core = new RunFilter(Set.of(), null, "team", "core", null, null, null, 4);

        List<RunRow> first = store.runs().list(core);
        List<RunRow> second = store.runs().list(new RunFilter(Set.of(), null, "team", "core", null, null,
                first.get(first.size() - 1).seq(), 4));

        assertThat(first).extracting(RunRow::id).containsExactly("r6", "r5", "r4", "r2");
        assertThat(second).extracting(RunRow::id).containsExactly("r1", "r0");
        assertThat(store.runs().list(new RunFilter(Set.of("FAILED"), null, "team", "core", 1_003L, null, null, 10)))
                .extracting(RunRow::id).containsExactly("r6", "r4");
        assertThat(store.runs().list(new RunFilter(Set.of(), null, "team", null, null, null, null, 10))).hasSize(7);
        assertThat(store.runs().list(new RunFilter(Set.of(), null, "team", "ops", null, null, null, 10)))
                .extracting(RunRow::id).containsExactly("r3");
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

    @Test
    void logsAreReadBackInOrderAfterASequenceNumber() {
        store.runs().insert(aQueuedRun("r1", null));
        store.logs().append(List.of(new LogRow(0, "r1", 0, "stdout", 1L, "one"),
                new LogRow(0, "r1", 0, "stderr", 2L, "two")));
        store.logs().append(List.of(new LogRow(0, "r1", 1, "stdout", 3L, "three")));
        List<LogRow> all = store.logs().after("r1", 0, 10);
        assertThat(all).extracting(LogRow::line).containsExactly("one", "two", "three");
        assertThat(store.logs().after("r1", all.get(0).seq(), 10)).extracting(LogRow::line)
                .containsExactly("two", "three");
        assertThat(store.logs().after("r1", 0, 1)).hasSize(1);
    }

    @Test
    void anArtifactIsReplacedByOneOfTheSameNameAndKeepsItsBytes() {
        store.runs().insert(aQueuedRun("r1", null));
        byte[] bytes = new byte[300_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        store.artifacts().put("r1", "report.html", 3, new byte[] {9}, 5L);
        store.artifacts().put("r1", "report.html", 3, bytes, 6L);
        assertThat(store.artifacts().list("r1")).containsExactly(new ArtifactRow("r1", "report.html", 3, 300_000, 6L));
        assertThat(store.artifacts().content("r1", "report.html")).hasValue(bytes);
        assertThat(store.artifacts().content("r1", "missing")).isEmpty();
    }

    @Test
    void aScheduleIsInsertedOncePausedAndDeleted() {
        ScheduleRow s = new ScheduleRow("nightly", "build", "0 0 2 * * ?", "UTC", "FIRE_ONCE", "{}", false, 1L, 0L);
        assertThat(store.schedules().insert(s)).isTrue();
        assertThat(store.schedules().insert(s)).isFalse();
        assertThat(store.schedules().setPaused("nightly", true)).isTrue();
        ScheduleRow read = store.schedules().find("nightly").orElseThrow();
        assertThat(read.paused()).isTrue();
        assertThat(read.version()).isEqualTo(1L);
        assertThat(store.schedules().list()).extracting(ScheduleRow::id).containsExactly("nightly");
        assertThat(store.schedules().delete("nightly")).isTrue();
        assertThat(store.schedules().delete("nightly")).isFalse();
    }

    @Test
    void queuedRunsAreDispatchedByPriorityThenSubmissionAndNotBeforeTheirTime() {
        store.runs().insert(aQueuedRun("first", null));
        NewRun later = aQueuedRun("later", null);
        store.runs().insert(new NewRun("later", later.workflow(), later.state(), 0, later.parameters(), null,
                later.labels(), later.labelsJson(), null, null, null, later.retry(), 50L, false, 1_000L,
                later.stepNames(), later.stepState()));
        NewRun urgent = aQueuedRun("urgent", null);
        store.runs().insert(new NewRun("urgent", urgent.workflow(), urgent.state(), 5, urgent.parameters(), null,
                urgent.labels(), urgent.labelsJson(), null, null, null, urgent.retry(), null, false, 1_000L,
                urgent.stepNames(), urgent.stepState()));
        assertThat(store.runs().dispatchable("QUEUED", 10L, 10, 0)).extracting(RunRow::id)
                .containsExactly("urgent", "first");
        assertThat(store.runs().nextNotBefore("QUEUED", 10L)).hasValue(50L);
        assertThat(store.runs().dispatchable("QUEUED", 50L, 10, 0)).extracting(RunRow::id)
                .containsExactly("urgent", "first", "later");
    }

    @Test
    void twoEnginesInsertingOneIdempotencyKeyAtOnceGetOneRun() throws Exception {
        try (Database second = open()) {
            JobStore other = new JobStore(second);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<RunRepository.Inserted>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    JobStore s = i % 2 == 0 ? store : other;
                    String id = "r" + i;
                    results.add(pool.submit(() -> s.runs().insert(aQueuedRun(id, "same-key"))));
                }
                Set<String> ids = new HashSet<>();
                int created = 0;
                for (Future<RunRepository.Inserted> f : results) {
                    ids.add(f.get().id());
                    created += f.get().created() ? 1 : 0;
                }
                assertThat(created).isEqualTo(1);
                assertThat(ids).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoEnginesClaimingTheSameRunsClaimEachRunOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add("r" + i);
            store.runs().insert(aQueuedRun("r" + i, null));
        }
        try (Database second = open()) {
            JobStore other = new JobStore(second);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<String>>> claims = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    JobStore s = i % 2 == 0 ? store : other;
                    Callable<List<String>> claim = () -> {
                        List<String> mine = new ArrayList<>();
                        for (String id : ids) {
                            mine.addAll(s.runs().claim(List.of(id), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 5L));
                        }
                        return mine;
                    };
                    claims.add(pool.submit(claim));
                }
                List<String> all = new ArrayList<>();
                for (Future<List<String>> f : claims) {
                    all.addAll(f.get());
                }
                assertThat(all).hasSize(40).doesNotHaveDuplicates();
                assertThat(store.runs().inState("RUNNING")).hasSize(40).allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClaimNamesItsOwnerAndAnyTransitionEndsTheOwnership() {
        store.runs().insert(aQueuedRun("r1", null));
        store.runs().claim(List.of("r1"), "QUEUED", "RUNNING", "QUEUED", "RUNNING", 5L, "engine-a", Map.of());
        assertThat(store.runs().find("r1").orElseThrow().owner()).isEqualTo("engine-a");
        assertThat(store.runs().inStateNotOwnedBy("RUNNING", List.of("engine-a"))).isEmpty();
        assertThat(store.runs().inStateNotOwnedBy("RUNNING", List.of("engine-b"))).extracting(RunRow::id)
                .containsExactly("r1");
        boolean byAnother = store.inTransaction(tx -> tx.transitionOwnedRun("r1", "RUNNING", "SUCCEEDED", "engine-b",
                RunRepository.Change.none()));
        assertThat(byAnother).isFalse();
        assertThat(store.runs().transition("r1", "RUNNING", "QUEUED", null, RunRepository.Change.none())).isTrue();
        assertThat(store.runs().find("r1").orElseThrow().owner()).isNull();
    }

    @Test
    void workflowLimitsHoldAcrossEnginesClaimingAtOnce() throws Exception {
        for (int i = 0; i < 30; i++) {
            store.runs().insert(aQueuedRun("r" + i, null));
        }
        try (Database second = open()) {
            JobStore other = new JobStore(second);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<List<String>>> claims = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    JobStore s = i % 2 == 0 ? store : other;
                    String owner = "engine-" + i;
                    claims.add(pool.submit(() -> {
                        List<String> mine = new ArrayList<>();
                        for (int k = 0; k < 30; k++) {
                            mine.addAll(s.runs().claim(List.of("r" + k), "QUEUED", "RUNNING", "QUEUED", "RUNNING",
                                    5L, owner, Map.of("build", 3)));
                        }
                        return mine;
                    }));
                }
                int claimed = 0;
                for (Future<List<String>> f : claims) {
                    claimed += f.get().size();
                }
                assertThat(claimed).isEqualTo(3);
                assertThat(store.runs().inState("RUNNING")).hasSize(3);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aPinnedRunIsDispatchedOnlyToItsEngineUntilThatEngineIsGone() {
        store.runs().insert(aQueuedRun("r1", null));
        store.runs().pin("r1", "engine-a");
        assertThat(store.runs().dispatchable("QUEUED", 10L, 10, 0, "engine-b")).isEmpty();
        assertThat(store.runs().dispatchable("QUEUED", 10L, 10, 0, "engine-a")).extracting(RunRow::id)
                .containsExactly("r1");
        assertThat(store.runs().unpinFromDeadEngines(List.of("engine-a"))).isZero();
        assertThat(store.runs().unpinFromDeadEngines(List.of("engine-b"))).isEqualTo(1);
        assertThat(store.runs().dispatchable("QUEUED", 10L, 10, 0, "engine-b")).extracting(RunRow::id)
                .containsExactly("r1");
    }

    @Test
    void aLeaseIsRenewedUntilRemovedAndExpiresAfterItsDuration() {
        LeaseRepository.Lease lease = new LeaseRepository.Lease("e1", "host-a", 42, true, 100L, 100L, 6_000L);
        store.leases().register(lease);
        assertThat(store.leases().renew("e1", 3_000L)).isTrue();
        LeaseRepository.Lease read = store.leases().list().get(0);
        assertThat(read.heartbeatAt()).isEqualTo(3_000L);
        assertThat(read.expiredAt(9_000L)).isFalse();
        assertThat(read.expiredAt(9_001L)).isTrue();
        assertThat(store.leases().remove("e1")).isTrue();
        assertThat(store.leases().renew("e1", 4_000L)).isFalse();
        assertThat(store.leases().list()).isEmpty();
    }
}
