package dev.sandboxjobs.examples.review;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A pull request to review: a repository, the branch it goes into and the ref of its head.
 *
 * @param repository a git URL, or a directory of this machine (a clone or a bare repository)
 * @param base       the base branch, e.g. {@code main}
 * @param head       the head's ref, e.g. {@code refs/pull/1/head} or a branch name
 */
public record PullRequest(String repository, String base, String head) {
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]*");

    public PullRequest {
        Objects.requireNonNull(repository, "repository");
        checkRef("base", base);
        checkRef("head", head);
    }

    /** GitHub's and Gitea's ref for pull request {@code number}'s head. */
    public static String pullRef(int number) {
        return "refs/pull/" + number + "/head";
    }

    private static void checkRef(String what, String ref) {
        // a ref is passed to git as an argument: one that starts with '-' would read as an option
        if (ref == null || !REF.matcher(ref).matches() || ref.contains("..")) {
            throw new IllegalArgumentException("the " + what + " must be a branch or ref name (letters, digits,"
                    + " . _ / -, not starting with - or .), not " + ref);
        }
    }
}
