package dev.sandboxjobs.jobs.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the report step stores artifacts. The job engine will provide one backed by its
 * artifact storage; {@link #directory(Path)} writes plain files.
 */
public interface ArtifactSink {

    /** Stores {@code content} as {@code name} and returns where it is (a path or URI). */
    String store(String name, byte[] content);

    /**
     * Keeps no artifact (each is "stored" under its own name): for a pipeline that is only checked,
     * or submitted to the job engine, which stores the reports of a run itself.
     */
    static ArtifactSink none() {
        return (name, content) -> name;
    }

    /** Writes artifacts as files in {@code dir}, created if needed. */
    static ArtifactSink directory(Path dir) {
        return (name, content) -> {
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("an artifact name is a plain file name, not " + name);
            }
            try {
                Files.createDirectories(dir);
                Path file = dir.resolve(name);
                Files.write(file, content);
                return file.toAbsolutePath().toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write artifact " + name + " to " + dir, e);
            }
        };
    }
}
