package dev.sandboxjobs.storage.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.storage.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteGateTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritesAllLandAndAFailingOneRollsBackAloneAndReachesOnlyItsCaller() throws Exception {
        try (Database db = Database.openSqlite(dir.resolve("gate.db"))) {
            WriteGate gate = new WriteGate(db.jdbi());
            gate.use(h -> h.execute("create table t (k integer primary key, v text not null)"));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int k = i;
                futures.add(pool.submit(() -> gate.use(h -> {
                    h.execute("insert into t (k, v) values (?, ?)", k, "v" + k);
                    if (k % 50 == 7) {
                        h.execute("insert into t (k, v) values (?, null)", 100_000 + k);
                    }
                })));
            }
            int failed = 0;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).hasMessageContaining("NOT NULL");
                    failed++;
                }
            }
            pool.shutdown();
            assertThat(failed).isEqualTo(8);
            long rows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from t").mapTo(Long.class).one());
            assertThat(rows).isEqualTo(392);
            long partial = db.jdbi().withHandle(h -> h.createQuery("select count(*) from t where k % 50 = 7")
                    .mapTo(Long.class).one());
            assertThat(partial).as("a failed write leaves nothing behind").isZero();
        }
    }

    @Test
    void aWriteCannotStartAnotherWrite() {
        try (Database db = Database.openSqlite(dir.resolve("gate.db"))) {
            WriteGate gate = new WriteGate(db.jdbi());
            assertThatThrownBy(() -> gate.use(h -> gate.use(h2 -> { })))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
