package dev.sandboxjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.storage.Database;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The dashboard's API over a database of many runs (100,000 in the full mode): the first page,
 * pages deep in the history (keyset paging), each filter, and the overview's counts. Runs are
 * bulk-loaded straight into the tables (the engine's own insert takes minutes for 100k), with the
 * shape of a busy installation: 30 days of history, mostly successes, five workflows, a team
 * label on every run and a commit label unique to each.
 */
final class DashboardBench {
    static final String AREA = "12. dashboard (API over many runs)";
    private static final String[] STATES = {"SUCCEEDED", "FAILED", "CANCELLED", "QUEUED", "TIMED_OUT", "RUNNING"};
    private static final double[] SHARE = {0.80, 0.10, 0.05, 0.04, 0.005, 0.005};
    private static final String[] WORKFLOWS = {"testing-pipeline", "exec", "nightly-report", "build", "rare-migration"};

    private final Main.Config cfg;
    private final Path tmp;
    private final List<Metric> out;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    DashboardBench(Main.Config cfg, Path tmp, List<Metric> out) {
        this.cfg = cfg;
        this.tmp = tmp;
        this.out = out;
    }

    int runs() {
        return cfg.iterations > 0 ? cfg.iterations : cfg.quick ? 20_000 : 100_000;
    }

    void run() throws Exception {
        Path file = Files.createTempDirectory(tmp, "dashboard").resolve("runs.db");
        int n = runs();
        long now = System.currentTimeMillis();
        long loadStart = System.nanoTime();
        try (Database db = Database.openSqlite(file)) {
            load(db, n, now);
        }
        System.err.println("[bench] dashboard: loaded " + n + " runs in " + (System.nanoTime() - loadStart) / 1_000_000 + " ms");
        try (JobsClient jobs = JobEngine.openClient(file);
             Dashboard dashboard = Dashboard.builder(jobs).start()) {
            String base = dashboard.baseUrl().toString();
            String token = dashboard.readOnlyToken();
            String label = "runs of " + n;
            time("first page of 50, no filter (" + label + ")", base + "api/runs?limit=50", token);
            time("page 40 of 50, following next (" + label + ")", deepPage(base, token, 40), token);
            time("state FAILED (10%), first page", base + "api/runs?state=FAILED&limit=50", token);
            time("state TIMED_OUT (0.5%), first page", base + "api/runs?state=TIMED_OUT&limit=50", token);
            time("workflow rare-migration (1%), first page", base + "api/runs?workflow=rare-migration&limit=50", token);
            time("label team=t3 (20%), first page", base + "api/runs?label=team%3Dt3&limit=50", token);
            time("label commit=c" + (n / 2) + " (one run)", base + "api/runs?label=commit%3Dc" + (n / 2) + "&limit=50", token);
            time("created in the last 24 h, first page", base + "api/runs?from="
                    + Instant.ofEpochMilli(now - 86_400_000L) + "&limit=50", token);
            time("created in a 1 h window 20 days ago", base + "api/runs?from=" + Instant.ofEpochMilli(now - 20 * 86_400_000L)
                    + "&until=" + Instant.ofEpochMilli(now - 20 * 86_400_000L + 3_600_000L) + "&limit=50", token);
            time("overview, 24 h by hour", base + "api/overview?range=24h", token, 100);
            time("overview, 30 d by day", base + "api/overview?range=30d", token, 100);
        }
    }

    private void time(String name, String url, String token) throws Exception {
        time(name, url, token, 50);
    }

    /** Times one API call; a page must come back under 50 ms, the overview (counting every run) under 100 ms. */
    private void time(String name, String url, String token, int targetMillis) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
        for (int i = 0; i < 3; i++) {
            check(http.send(request, HttpResponse.BodyHandlers.ofString()), url);
        }
        List<Double> samples = new ArrayList<>();
        int iterations = cfg.quick ? 15 : 40;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            check(http.send(request, HttpResponse.BodyHandlers.ofString()), url);
            samples.add(Stats.ms(System.nanoTime() - t0));
        }
        Stats stats = new Stats(samples);
        out.add(Metric.of(AREA, name + ", p50", stats.p(0.5), "ms").target("under " + targetMillis + " ms", stats.p(0.5) < targetMillis)
                .note("p95 " + String.format(java.util.Locale.ROOT, "%.1f", stats.p(0.95)) + " ms over " + iterations + " calls"));
    }

    private static void check(HttpResponse<String> response, String url) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private String deepPage(String base, String token, int page) throws Exception {
        String next = null;
        for (int i = 1; i < page; i++) {
            String url = base + "api/runs?limit=50" + (next == null ? "" : "&page=" + next);
            JsonNode body = json.readTree(http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            next = body.get("next").asText();
        }
        return base + "api/runs?limit=50&page=" + next;
    }

    private static void load(Database db, int n, long now) {
        Random random = new Random(42);
        long span = 30L * 86_400_000L;
        db.jdbi().useTransaction(h -> {
            PreparedBatch runs = h.prepareBatch("insert into runs (id, workflow, state, parameters, labels, max_attempts,"
                    + " backoff_initial_ms, backoff_max_ms, backoff_multiplier, backoff_jitter, attempt, created_at,"
                    + " started_at, finished_at) values (:id, :workflow, :state, '{}', :labels, 1, 1000, 60000, 2.0, 0.5, 1,"
                    + " :created, :started, :finished)");
            PreparedBatch labels = h.prepareBatch("insert into run_labels (run_id, name, value, run_seq) values (:run, :name, :value, :seq)");
            PreparedBatch steps = h.prepareBatch("insert into steps (run_id, idx, name, state) values (:run, 0, 'only', :state)");
            for (int i = 0; i < n; i++) {
                String id = "run-bench-" + i;
                long created = now - span + span * i / n;
                String state = pick(random);
                String workflow = random.nextDouble() < 0.01 ? WORKFLOWS[4] : WORKFLOWS[random.nextInt(4)];
                String team = "t" + random.nextInt(5);
                boolean over = !state.equals("QUEUED") && !state.equals("RUNNING");
                runs.bind("id", id).bind("workflow", workflow).bind("state", state)
                        .bind("labels", "{\"team\":\"" + team + "\",\"commit\":\"c" + i + "\"}")
                        .bind("created", created).bind("started", state.equals("QUEUED") ? null : created + 500)
                        .bind("finished", over ? created + 30_000 : null).add();
                // runs.seq is the rowid: 1, 2, ... in insertion order on a fresh database
                labels.bind("run", id).bind("name", "team").bind("value", team).bind("seq", i + 1).add();
                labels.bind("run", id).bind("name", "commit").bind("value", "c" + i).bind("seq", i + 1).add();
                steps.bind("run", id).bind("state", state).add();
                if (i % 5000 == 4999) {
                    flush(runs, labels, steps);
                }
            }
            flush(runs, labels, steps);
        });
    }

    private static void flush(PreparedBatch... batches) {
        for (PreparedBatch batch : batches) {
            if (batch.size() > 0) {
                batch.execute();
            }
        }
    }

    private static String pick(Random random) {
        double x = random.nextDouble();
        for (int i = 0; i < STATES.length; i++) {
            x -= SHARE[i];
            if (x < 0) {
                return STATES[i];
            }
        }
        return STATES[0];
    }
}
