package dev.sandboxjobs.engine.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Where a step keeps files (a report, a copied-out build output); stored with the run. */
public interface ArtifactStore {
    /** Stores {@code content} as artifact {@code name}, replacing one of the same name. */
    void put(String name, byte[] content);

    /** Stores everything read from {@code content} (the stream is not closed). */
    void put(String name, InputStream content) throws IOException;

    /** Stores the file at {@code file}. */
    void putFile(String name, Path file) throws IOException;
}
