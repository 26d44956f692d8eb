package dev.sandboxjobs.examples.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a review goes. {@link #markdownFile(Path)} writes {@code review.md}; posting to a forge
 * (a pull request comment through its API) is another implementation of this one method.
 */
@FunctionalInterface
public interface ReviewPublisher {
    /** Publishes {@code review}; returns where it went (a path or URL), for display. */
    String publish(Review review);

    /** Writes {@link Review#markdown()} to {@code file}, creating its directory. */
    static ReviewPublisher markdownFile(Path file) {
        return review -> {
            try {
                Path absolute = file.toAbsolutePath();
                Files.createDirectories(absolute.getParent());
                Files.writeString(absolute, review.markdown());
                return absolute.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the review to " + file, e);
            }
        };
    }
}
