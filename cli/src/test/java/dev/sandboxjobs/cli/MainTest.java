package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.TestCertificates;
import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.storage.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theConsoleWritersEncodeUtf8WhateverTheLocale() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintWriter console = Main.utf8(bytes);

        console.println("clone \u2192 install \u2713");

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("clone \u2192 install \u2713"
                + System.lineSeparator());
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("setup", "doctor", "demo", "test");
    }

    @Test
    void helpListsTheJobsCommands() {
        Run run = run("--help");
        assertThat(run.out()).contains("submit", "runs", "schedule", "sandboxes", "worker");
        assertThat(run("runs", "--help").out()).contains("list", "show", "logs", "cancel", "artifacts");
        assertThat(run("schedule", "--help").out()).contains("add", "list", "pause", "resume", "rm");
        assertThat(run("sandboxes", "--help").out()).contains("list", "exec", "destroy", "gc");
        assertThat(run("worker", "--help").out()).contains("--concurrency", "--grace", "--db", "--dashboard");
        assertThat(run("dashboard", "--help").out()).contains("--port", "--bind", "--db");
        assertThat(run("sandboxes", "create", "--help").out()).contains("--image", "--memory", "--network");
    }

    /** Every command that touches the database takes the same two options, from the one mixin. */
    @Test
    void everyCommandThatUsesTheDatabaseTakesDbAndDataDir() {
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        java.util.List<String> withDatabase = new java.util.ArrayList<>();
        walk(root, command -> {
            boolean db = command.getCommandSpec().findOption("--db") != null;
            boolean dataDir = command.getCommandSpec().findOption("--data-dir") != null;
            assertThat(db).as("%s: --db and --data-dir go together", command.getCommandName()).isEqualTo(dataDir);
            if (db) {
                withDatabase.add(command.getCommandSpec().qualifiedName());
            }
        });
        assertThat(withDatabase).contains("sandbox-jobs test", "sandbox-jobs demo", "sandbox-jobs setup", "sandbox-jobs doctor",
                "sandbox-jobs submit", "sandbox-jobs runs list", "sandbox-jobs runs show", "sandbox-jobs schedule add",
                "sandbox-jobs sandboxes create", "sandbox-jobs worker", "sandbox-jobs dashboard");
    }

    private static void walk(picocli.CommandLine command, java.util.function.Consumer<picocli.CommandLine> visit) {
        if (command.getSubcommands().isEmpty() && !command.getCommandName().equals("help")) {
            visit.accept(command);
        }
        command.getSubcommands().values().forEach(sub -> walk(sub, visit));
    }

    @Test
    void errorsSpeakTheCommandLinesLanguage(@TempDir Path dir) {
        Run unknownRun = run("runs", "show", "run-nope", "--db", dir.resolve("jobs.db").toString());
        Run unknownSchedule = run("schedule", "pause", "nope", "--db", dir.resolve("jobs.db").toString());
        Run unknownArtifacts = run("runs", "artifacts", "run-nope", "--db", dir.resolve("jobs.db").toString());

        assertThat(unknownRun.exitCode()).isEqualTo(Main.USAGE);
        assertThat(unknownRun.err()).contains("error [RUN_NOT_FOUND]", "`sandbox-jobs runs list`").doesNotContain("jobs.list");
        assertThat(unknownSchedule.err()).contains("`sandbox-jobs schedule list`").doesNotContain("jobs.schedules()");
        assertThat(unknownArtifacts.err()).contains("`sandbox-jobs runs list`");
        assertThat(CliMessages.translate("Sandbox x was destroyed. Get a new one with engine.getSandbox(id)."))
                .isEqualTo("Sandbox x was destroyed. Make a new one with `sandbox-jobs sandboxes create ID`.");
    }

    @Test
    void sizesAreReadAsPeopleWriteThem() {
        assertThat(Output.parseSize("--memory", "512m")).isEqualTo(512L << 20);
        assertThat(Output.parseSize("--memory", "1.5g")).isEqualTo(3L << 29);
        assertThat(Output.parseSize("--memory", "2GiB")).isEqualTo(2L << 30);
        assertThat(Output.parseSize("--memory", "1048576")).isEqualTo(1L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Output.parseSize("--memory", "lots"))
                .hasMessageContaining("--memory takes a size such as 512m");
    }

    @Test
    void malformedJobsArgumentsAreBadUsageBeforeAnythingIsOpened(@TempDir Path dir) {
        String db = dir.resolve("jobs.db").toString();
        assertThat(run("submit", "--db", db).exitCode()).isEqualTo(Main.USAGE);
        Run noEquals = run("submit", "exec", "--param", "command", "--db", db);
        assertThat(noEquals.exitCode()).isEqualTo(Main.USAGE);
        assertThat(noEquals.err()).contains("--param takes NAME=VALUE");
        assertThat(run("runs", "--db", db).exitCode()).isEqualTo(Main.USAGE);
        assertThat(run("runs", "list", "--state", "sleepy", "--db", db).err()).contains("--state takes");
        assertThat(run("runs", "list", "--limit", "0", "--db", db).exitCode()).isEqualTo(Main.USAGE);
        assertThat(run("worker", "--grace", "soon", "--db", db).err()).contains("--grace takes a duration");
        assertThat(run("worker", "--concurrency", "0", "--db", db).exitCode()).isEqualTo(Main.USAGE);
        assertThat(run("schedule", "add", "x", "exec", "--db", db).err()).contains("--cron");
        assertThat(run("schedule", "add", "x", "exec", "--cron", "* * * * * ?", "--misfire", "sometimes", "--db", db)
                .err()).contains("--misfire takes");
        assertThat(run("sandboxes", "exec", "some-id", "--db", db).exitCode()).isEqualTo(Main.USAGE);
    }

    @Test
    void theDatabaseComesFromDbThenTheEnvironmentThenTheDataDirectory(@TempDir Path dir) {
        EngineOptions options = new EngineOptions();
        assertThat(options.database(Map.of("SANDBOX_JOBS_DATA_DIR", dir.toString())).file())
                .hasValue(dir.resolve("sandbox-jobs.db"));
        assertThat(options.database(Map.of("SANDBOX_JOBS_DB", dir.resolve("x.db").toString(),
                "SANDBOX_JOBS_DATA_DIR", "/elsewhere")).file()).hasValue(dir.resolve("x.db"));
        options.database.db = dir.resolve("given.db").toString();
        assertThat(options.database(Map.of("SANDBOX_JOBS_DB", "/ignored.db")).file())
                .hasValue(dir.resolve("given.db"));
    }

    @Test
    void dbTakesAPostgresUrlWhosePasswordComesFromTheUrlOrPgpassword() {
        EngineOptions options = new EngineOptions();
        options.database.db = "jdbc:postgresql://db.example:5432/jobs?user=jobs";
        DatabaseLocation where = options.database(Map.of("PGPASSWORD", "from-env"));
        assertThat(where.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(where.hasPassword()).isTrue();
        assertThat(where.toString()).isEqualTo("jdbc:postgresql://db.example:5432/jobs?user=jobs&password=***");
        assertThat(options.database(Map.of()).hasPassword()).isFalse();
        DatabaseLocation fromEnv = new EngineOptions().database(Map.of("SANDBOX_JOBS_DB",
                "postgres://jobs:in-url@db.example/jobs"));
        assertThat(fromEnv.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(fromEnv.toString()).doesNotContain("in-url");
    }

    @Test
    void anUnsupportedDatabaseIsBadUsageThatDoesNotEchoThePassword() {
        Run run = run("runs", "list", "--db", "jdbc:mysql://h/db?user=u&password=hunter2");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("INVALID_ARGUMENT", "jdbc:postgresql://").doesNotContain("hunter2");
    }

    @Test
    void setupHelpListsItsOptions() {
        Run run = run("setup", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--ca-cert", "--no-host-ca", "--docker-host", "--base-image", "--rebuild", "--full");
    }

    @Test
    void versionPrintsTheProjectVersion() {
        Run run = run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("sandbox-jobs ");
    }

    @Test
    void noCommandIsBadUsage() {
        Run run = run();
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("Missing command");
    }

    @Test
    void anUnknownOptionIsBadUsageWithOneErrorLine() {
        Run run = run("setup", "--bogus");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err().lines().filter(l -> l.startsWith("error:"))).singleElement().asString().contains("--bogus");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void aMissingCertificateFileIsBadUsageThatNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("proxy.crt");
        Run run = run("setup", "--ca-cert", missing.toString());
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err().lines()).singleElement().asString().startsWith("error: ").contains(missing.toString());
    }

    @Test
    void anUnreachableEngineIsAnInfrastructureFaultInOneLine() {
        Run run = run("setup", "--no-host-ca", "--docker-host", "tcp://127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(Main.INFRASTRUCTURE);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("error [DOCKER_UNAVAILABLE]: ").contains("tcp://127.0.0.1:1");
    }

    @Test
    void verbosePrintsTheStackTraceToo() {
        Run run = run("setup", "--verbose", "--no-host-ca", "--docker-host", "tcp://127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(Main.INFRASTRUCTURE);
        assertThat(run.err()).contains("SandboxException").contains("\tat ");
    }

    @Test
    void doctorWithAnUnreachableEngineReportsItAndExitsWithThree(@TempDir Path dir) {
        Path cert = TestCertificates.write(dir, "alpha");
        Run run = run("doctor", "--docker-host", "tcp://127.0.0.1:1", "--no-host-ca", "--ca-cert", cert.toString(),
                "--data-dir", dir.toString());
        assertThat(run.exitCode()).isEqualTo(Main.INFRASTRUCTURE);
        assertThat(run.out()).contains("NOT REACHABLE", "CN=Sandbox Jobs Test CA alpha", dir.resolve("sandbox-jobs.db").toString());
    }
}
