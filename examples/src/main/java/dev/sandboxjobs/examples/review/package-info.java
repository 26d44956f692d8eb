/**
 * The code review bot's parts (see {@code CodeReviewBot}): a pull request's changes
 * ({@link dev.sandboxjobs.examples.review.ChangeSet}), {@link dev.sandboxjobs.examples.review.Reviewer}s
 * that turn them into comments (linters run in a sandbox, or a model), and a publisher of the review.
 *
 * <pre>{@code
 * Reviewer noTabs = (sandbox, changes) -> changes.files().stream()
 *         .filter(f -> f.content() != null && f.content().contains("\t"))
 *         .map(f -> new ReviewComment(f.path(), 0, ReviewComment.Severity.INFO, "[tabs] the file has tabs"))
 *         .toList();
 * }</pre>
 */
package dev.sandboxjobs.examples.review;
