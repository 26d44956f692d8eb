package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupProgressTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();
    private final StringWriter printed = new StringWriter();

    private SetupProgress progress(boolean verbose) {
        return new SetupProgress(new PrintWriter(printed, true), dir.resolve("logs/setup.log"), verbose, clock::get);
    }

    private void feed(SetupProgress progress) {
        progress.accept("Installing Docker with apt-get");
        progress.accept("$ apt-get install -y docker.io");
        for (int i = 0; i < 4000; i++) {
            clock.addAndGet(10_000_000);
            progress.accept("  Unpacking package-" + i + " ...");
        }
        progress.accept("  ERROR one of them failed");
        progress.accept("Docker 28.2 answers at unix:///var/run/docker.sock");
        progress.close();
    }

    @Test
    void eachPhaseIsOneLineWithItsTimeAndTheToolsOutputGoesToTheLog() throws Exception {
        feed(progress(false));

        assertThat(printed.toString().lines()).containsExactly(
                "[  0.0 s] Installing Docker with apt-get",
                "          (tools' output goes to " + dir.resolve("logs/setup.log") + "; --verbose prints it here)",
                "[ 40.0 s] ERROR one of them failed",
                "[ 40.0 s] Docker 28.2 answers at unix:///var/run/docker.sock");
        String log = Files.readString(dir.resolve("logs/setup.log"));
        assertThat(log).startsWith("[  0.0 s] Installing Docker with apt-get\n[  0.0 s] $ apt-get install -y docker.io\n")
                .contains("Unpacking package-3999").endsWith("Docker 28.2 answers at unix:///var/run/docker.sock\n");
    }

    @Test
    void verbosePrintsTheToolsOutputToo() {
        feed(progress(true));

        assertThat(printed.toString()).contains("  Unpacking package-3999 ...", "$ apt-get install -y docker.io")
                .doesNotContain("--verbose prints it here");
    }

    @Test
    void aSetupWithNothingToDoLeavesNoLog() {
        SetupProgress progress = progress(false);
        progress.accept("Runtime image sandbox-jobs/runtime:x is up to date");
        progress.close();

        assertThat(progress.logFile()).isNull();
        assertThat(dir.resolve("logs")).doesNotExist();
        assertThat(printed.toString()).isEqualTo("[  0.0 s] Runtime image sandbox-jobs/runtime:x is up to date" + System.lineSeparator());
    }
}
