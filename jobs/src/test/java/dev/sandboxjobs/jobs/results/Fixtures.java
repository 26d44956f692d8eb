package dev.sandboxjobs.jobs.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real outputs captured from the tools in the runtime-full image (see docs/pipeline.md). */
final class Fixtures {

    private Fixtures() {
    }

    static String output(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/outputs/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
