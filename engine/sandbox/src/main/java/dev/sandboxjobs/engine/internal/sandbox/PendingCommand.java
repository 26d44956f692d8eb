package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.internal.sandbox.ShellSession.CommandEnd;
import java.util.concurrent.CompletableFuture;

/** A command in flight: its two scanners and the future they complete together. */
final class PendingCommand {
    final CompletableFuture<CommandEnd> future = new CompletableFuture<>();
    final OutputSink stdout;
    final OutputSink stderr;
    final MarkerScanner outScanner;
    final MarkerScanner errScanner;
    volatile String outTrailer;

    PendingCommand(String token, OutputSink stdout, OutputSink stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.outScanner = new MarkerScanner(token, stdout, t -> { outTrailer = t; maybeDone(); });
        this.errScanner = new MarkerScanner(token, stderr, t -> maybeDone());
    }

    void feed(boolean isErr, byte[] data) {
        (isErr ? errScanner : outScanner).feed(data);
    }

    private void maybeDone() {
        if (outScanner.done() && errScanner.done()) {
            String t = outTrailer.strip();
            int space = t.indexOf(' ');
            int code = Integer.parseInt(space < 0 ? t : t.substring(0, space));
            String cwd = space < 0 ? null : t.substring(space + 1);
            future.complete(new CommandEnd(code, cwd, false));
        }
    }

    void ended(int exitCode) {
        outScanner.flush();
        errScanner.flush();
        future.complete(new CommandEnd(exitCode, null, true));
    }
}
