package dev.sandboxjobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a CLI command (an argv array, never a shell string) and returns its trimmed stdout. */
final class Cli {
    private Cli() {}

    static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] err;
            byte[] out = p.getInputStream().readAllBytes();
            err = p.getErrorStream().readAllBytes();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + code + ": "
                        + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
