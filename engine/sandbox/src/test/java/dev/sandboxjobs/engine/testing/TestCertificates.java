package dev.sandboxjobs.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Self-signed test CA certificates ("alpha", "beta"), written where a test needs a file. */
public final class TestCertificates {
    private TestCertificates() {}

    /** Writes {@code test-ca-<name>.crt} (PEM) into {@code directory} and returns its path. */
    public static Path write(Path directory, String name) {
        return copy(directory, "test-ca-" + name + ".crt");
    }

    /** Copies a resource of {@code dev/sandboxjobs/engine/setup/} into {@code directory}. */
    public static Path copy(Path directory, String resource) {
        try (InputStream in = TestCertificates.class.getResourceAsStream("/dev/sandboxjobs/engine/setup/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            Path file = directory.resolve(resource);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
