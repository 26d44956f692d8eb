package dev.sandboxjobs.examples.review;

import java.util.Objects;

/**
 * One review comment on a line of a changed file.
 *
 * @param file     the file's path in the repository
 * @param line     the line in the pull request's version of the file, 1-based; 0 for the whole file
 * @param severity how bad it is
 * @param message  what is wrong, prefixed with the check that found it ({@code "[bash -n] …"})
 */
public record ReviewComment(String file, int line, Severity severity, String message) {
    /** How bad a comment is; {@link #ERROR} makes the bot exit with 1. */
    public enum Severity { ERROR, WARNING, INFO }

    public ReviewComment {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("a line is 1-based, or 0 for the whole file, not " + line);
        }
    }
}
