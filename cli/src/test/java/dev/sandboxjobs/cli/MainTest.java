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
    void helpListsTheCommandsAndExitsZero() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("setup", "doctor", "demo", "test");
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
