package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.RunQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against every CLI command, through picocli's entry point ({@link Main#execute}) in
 * process, on a real database: each is rejected with exit 2 (usage) and one clear error line (plus
 * picocli's "Try ... --help" hint), no stack trace without --verbose, nothing written to the
 * database, and no shell metacharacter ever runs ({@code /tmp/sj-cli-pwned} never appears).
 */
@RequiresDocker
@Tag("reliability")
class CliBadInputTest {
    private static final String PWNED = "/tmp/sj-cli-pwned";
    private static final String INJECT = "$(touch " + PWNED + ");touch " + PWNED + ";`touch " + PWNED + "`";

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    private Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private String db() {
        return dir.resolve("jobs.db").toString();
    }

    /** Each case: the arguments (the database is added where the command takes one). */
    private List<List<String>> catalogue() {
        String db = db();
        List<List<String>> c = new ArrayList<>();
        c.add(List.of());
        c.add(List.of("frobnicate"));
        c.add(List.of("--no-such-option"));
        // submit
        c.add(List.of("submit", "--db", db));
        c.add(List.of("submit", "no-such-workflow", "--db", db));
        c.add(List.of("submit", INJECT, "--db", db));
        c.add(List.of("submit", "exec", "--param", "novalue", "--db", db));
        c.add(List.of("submit", "exec", "--param", "=x", "--db", db));
        c.add(List.of("submit", "exec", "--label", "noequals", "--db", db));
        c.add(List.of("submit", "exec", "--param", "command=" + INJECT, "--param", "bogus", "--db", db));
        c.add(List.of("submit", "exec", "--db"));
        // runs
        c.add(List.of("runs", "--db", db));
        c.add(List.of("runs", "show", "--db", db));
        c.add(List.of("runs", "show", "run-does-not-exist", "--db", db));
        c.add(List.of("runs", "show", INJECT, "--db", db));
        c.add(List.of("runs", "show", "../../etc/passwd", "--db", db));
        c.add(List.of("runs", "logs", "run-does-not-exist", "--db", db));
        c.add(List.of("runs", "cancel", "run-does-not-exist", "--db", db));
        c.add(List.of("runs", "artifacts", "run-does-not-exist", "--db", db));
        c.add(List.of("runs", "list", "--limit", "-5", "--db", db));
        c.add(List.of("runs", "list", "--limit", "0", "--db", db));
        c.add(List.of("runs", "list", "--limit", "99999999999999", "--db", db));
        c.add(List.of("runs", "list", "--limit", "ten", "--db", db));
        c.add(List.of("runs", "list", "--state", "BOGUS", "--db", db));
        c.add(List.of("runs", "list", "--label", "noequals", "--db", db));
        // schedule
        c.add(List.of("schedule", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", "not a cron", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", "0 0 0 31 2 ?", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", "* * * * * ? 1999", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", INJECT, "--db", db));
        c.add(List.of("schedule", "add", "s1", "no-such-workflow", "--cron", "0 * * * * ?", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", "0 * * * * ?", "--time-zone", "Mars/Olympus", "--db", db));
        c.add(List.of("schedule", "add", "s1", "exec", "--cron", "0 * * * * ?", "--param", "novalue", "--db", db));
        c.add(List.of("schedule", "pause", "no-such-schedule", "--db", db));
        c.add(List.of("schedule", "resume", "no-such-schedule", "--db", db));
        c.add(List.of("schedule", "rm", "no-such-schedule", "--db", db));
        c.add(List.of("schedule", "rm", INJECT, "--db", db));
        // sandboxes
        c.add(List.of("sandboxes", "--db", db));
        c.add(List.of("sandboxes", "destroy", "no-such-sandbox", "--db", db));
        c.add(List.of("sandboxes", "exec", "no-such-sandbox", "--db", db, "--", "echo", "hi"));
        c.add(List.of("sandboxes", "exec", "--db", db));
        // worker
        c.add(List.of("worker", "--concurrency", "0", "--db", db));
        c.add(List.of("worker", "--concurrency", "-3", "--db", db));
        c.add(List.of("worker", "--concurrency", "99999999999", "--db", db));
        c.add(List.of("worker", "--grace", "banana", "--db", db));
        c.add(List.of("worker", "--grace", "-5s", "--db", db));
        // test, demo, setup, doctor
        c.add(List.of("test", "--data-dir", dir.toString()));
        c.add(List.of("test", dir.resolve("no-such-directory").toString(), "--data-dir", dir.toString()));
        c.add(List.of("setup", "--ca-cert", dir.resolve("no-such.crt").toString()));
        c.add(List.of("doctor", "--no-such-option"));
        c.add(List.of("demo", "--no-such-option"));
        return c;
    }

    @Test
    void everyCommandRejectsBadInputWithExit2AndOneClearLineWithoutStackTraceOrDatabaseWrites() throws Exception {
        // a database with one schedule and no run, so that "nothing written" can be checked
        try (SandboxEngine engine = SandboxEngine.builder().databaseFile(Path.of(db())).prewarmInterpreters().build();
             JobEngine jobEngine = JobEngine.over(engine)) {
            jobEngine.client();
        }
        long[] before = counts();
        SoftAssertions soft = new SoftAssertions();
        int cases = 0;
        for (List<String> args : catalogue()) {
            cases++;
            // a case wrongly accepted could start a worker that never returns: bounded, and reported
            Future<Outcome> f = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, "cli-case");
                th.setDaemon(true);
                return th;
            }).submit(() -> run(args.toArray(String[]::new)));
            Outcome o;
            try {
                o = f.get(2, TimeUnit.MINUTES);
            } catch (TimeoutException e) {
                soft.fail("accepted and still running after 2 minutes: sandbox-jobs " + String.join(" ", args));
                continue;
            }
            String what = "sandbox-jobs " + String.join(" ", args) + "\nstdout: " + o.out() + "\nstderr: " + o.err();
            soft.assertThat(o.code()).as(what).isEqualTo(Main.USAGE);
            List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
            soft.assertThat(lines).as(what).isNotEmpty();
            if (!lines.isEmpty()) {
                soft.assertThat(lines.get(0)).as(what).matches("(?s)(error|Missing|Unknown|Unmatched).*");
                soft.assertThat(lines.size()).as("one clear line (and the --help hint): " + what).isLessThanOrEqualTo(3);
            }
            soft.assertThat(o.err()).as("no stack trace: " + what).doesNotContain("\tat ");
            soft.assertThat(Files.exists(Path.of(PWNED))).as("nothing ran as shell: " + what).isFalse();
        }
        soft.assertThat(counts()).as("nothing written to the database").containsExactly(before);
        // --verbose adds the stack trace for errors that have one (an unexpected failure), never hides the line
        Outcome verbose = run("runs", "show", "run-does-not-exist", "--db", db(), "--verbose");
        soft.assertThat(verbose.code()).isEqualTo(Main.USAGE);
        soft.assertThat(verbose.err()).startsWith("error [RUN_NOT_FOUND]");
        soft.assertAll();
        System.out.println("RELIABILITY cli bad input: " + cases + " cases rejected with exit 2, no stack trace, "
                + "no database write");
    }

    private long[] counts() {
        try (SandboxEngine engine = SandboxEngine.builder().databaseFile(Path.of(db())).prewarmInterpreters().build();
             JobEngine jobEngine = JobEngine.over(engine)) {
            JobsClient jobs = jobEngine.client();
            return new long[] {jobs.list(RunQuery.all().limit(1000)).items().size(), jobs.schedules().size(),
                    engine.listSandboxes().size()};
        }
    }

    @SuppressWarnings("unused")
    private static final Set<Integer> DOCUMENTED = Set.of(Main.OK, Main.FAILED, Main.USAGE, Main.INFRASTRUCTURE);
}
