package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        PrintWriter console = Main.utf8(bytes);

        console.println("clone \u2192 install \u2713");

        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("clone \u2192 install \u2713"
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
        assertThat(run("worker", "--help").out()).contains("--concurrency", "--grace", "--db");
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
        assertThat(options.databaseFile(java.util.Map.of("SANDBOX_JOBS_DATA_DIR", dir.toString())))
                .isEqualTo(dir.resolve("sandbox-jobs.db"));
        assertThat(options.databaseFile(java.util.Map.of("SANDBOX_JOBS_DB", dir.resolve("x.db").toString(),
                "SANDBOX_JOBS_DATA_DIR", "/elsewhere"))).isEqualTo(dir.resolve("x.db"));
        options.db = dir.resolve("given.db");
        assertThat(options.databaseFile(java.util.Map.of("SANDBOX_JOBS_DB", "/ignored.db")))
                .isEqualTo(dir.resolve("given.db"));
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
