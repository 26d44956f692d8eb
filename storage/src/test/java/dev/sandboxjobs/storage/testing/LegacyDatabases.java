package dev.sandboxjobs.storage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Databases written by earlier versions, to check that today's code opens them and keeps what they
 * hold. {@code main-041c812}: written by 0.1 (main at commit 041c812) with both of its engine ids
 * ('engine_id' of the sandbox engine, 'engine-id' of the job engine), a SUCCEEDED run of workflow
 * {@code hello} (label team=core, result "hi"), a run queued for 2099-01-01 awaiting its Quartz
 * trigger, the cron schedule {@code nightly} ("0 0 2 * * ?") and the sandbox {@code kept-sandbox}
 * (its container removed afterwards). The ids are in {@link #MAIN_041C812_FACTS}.
 */
public final class LegacyDatabases {
    /** The resource with the ids of what {@code main-041c812} holds, {@code name=value} lines. */
    public static final String MAIN_041C812_FACTS = "legacy/main-041c812.txt";

    /** The sandbox engine's id in {@code main-041c812} (the one that must survive). */
    public static final String MAIN_041C812_ENGINE_ID = "75f8bac4-f021-4bae-9ce7-f8e6c68f9104";
    /** The job engine's id in {@code main-041c812} (the one that must go). */
    public static final String MAIN_041C812_JOB_ENGINE_ID = "2133e6b7-15be-42c6-9e07-16d6c5aafaa7";
    public static final String MAIN_041C812_DONE_RUN = "run-1372111d-da0b-466f-a78b-044f9007a17d";
    public static final String MAIN_041C812_TIMED_RUN = "run-7f948b4e-e8a5-4683-a45d-d0199f116921";

    private LegacyDatabases() {
    }

    /** Writes the database written by main at 041c812 to {@code dir/sandbox-jobs.db} and returns its path. */
    public static Path main041c812(Path dir) {
        Path file = dir.resolve("sandbox-jobs.db");
        try (InputStream in = new GZIPInputStream(LegacyDatabases.class.getClassLoader()
                .getResourceAsStream("legacy/main-041c812.db.gz"))) {
            Files.createDirectories(dir);
            Files.copy(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
