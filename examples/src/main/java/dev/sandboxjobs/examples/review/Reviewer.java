package dev.sandboxjobs.examples.review;

import dev.sandboxjobs.engine.Sandbox;
import java.util.List;

/**
 * Turns a pull request's changes into review comments. {@link LinterReviewer} runs the linters
 * of the sandbox; {@link AnthropicReviewer} asks a model.
 *
 * <pre>{@code
 * Reviewer noTabs = (sandbox, changes) -> changes.files().stream()
 *         .filter(f -> f.content() != null && f.content().contains("\t"))
 *         .map(f -> new ReviewComment(f.path(), 0, ReviewComment.Severity.INFO, "[tabs] the file has tabs"))
 *         .toList();
 * }</pre>
 */
@FunctionalInterface
public interface Reviewer {
    /** The comments on {@code changes}; {@code sandbox} holds the clone at the head, in {@link ChangeSet#repoDir()}. */
    List<ReviewComment> review(Sandbox sandbox, ChangeSet changes);
}
