package dev.sandboxjobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Setup's progress as a person wants it: one line per phase with the time since setup began, and
 * the tools' output (apt-get, debootstrap, docker build: thousands of lines on a fresh machine)
 * in a log file whose path is printed once. With {@code --verbose} the tools' output is printed
 * too. The log, phases included, is written only when a tool printed something: a setup that
 * finds everything up to date leaves no file.
 */
final class SetupProgress implements Consumer<String> {
    private final PrintWriter out;
    private final Path logFile;
    private final boolean verbose;
    private final LongSupplier nanos;
    private final long start;
    private Writer log;
    private final java.util.List<String> pending = new java.util.ArrayList<>();
    private boolean told;
    private boolean failed;

    SetupProgress(PrintWriter out, Path logFile, boolean verbose, LongSupplier nanos) {
        this.out = out;
        this.logFile = logFile;
        this.verbose = verbose;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /** A log file under {@code <data dir>/logs}, named after the time. */
    static Path logFileIn(Path dataDirectory) {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").format(ZonedDateTime.now(ZoneOffset.UTC));
        return dataDirectory.resolve("logs").resolve("setup-" + time + ".log");
    }

    /** Whether a line of setup's progress says that a phase starts or ends (the rest is tools' output). */
    static boolean isPhase(String line) {
        return line.startsWith("  ERROR") || !(line.startsWith("  ") || line.startsWith("$ "));
    }

    @Override
    public synchronized void accept(String line) {
        String elapsed = String.format(Locale.ROOT, "[%5.1f s]", (nanos.getAsLong() - start) / 1e9);
        if (isPhase(line) && log == null) {
            pending.add(elapsed + " " + line);
        } else {
            pending.forEach(this::write);
            pending.clear();
            write(elapsed + " " + line);
        }
        if (isPhase(line)) {
            out.println(elapsed + " " + line.strip());
            out.flush();
        } else if (verbose) {
            out.println(line);
            out.flush();
        } else if (!told) {
            told = true;
            out.println("          (tools' output goes to " + logFile + "; --verbose prints it here)");
            out.flush();
        }
    }

    /** Where the tools' output went, if any was written. */
    synchronized Path logFile() {
        return log == null || failed ? null : logFile;
    }

    private void write(String line) {
        if (failed) {
            return;
        }
        try {
            if (log == null) {
                Files.createDirectories(logFile.getParent());
                log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            }
            log.write(line);
            log.write('\n');
            log.flush();
        } catch (IOException | UncheckedIOException e) {
            failed = true;
            out.println("          (cannot write setup's log " + logFile + ": " + e.getMessage() + "; printing everything)");
            out.flush();
        }
    }

    /** Closes the log; safe twice. */
    synchronized void close() {
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                // the lines were flushed one by one
            }
        }
    }
}
