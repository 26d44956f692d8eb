package dev.sandboxjobs.examples.review;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A finished review: the changes and the comments on them.
 *
 * @param changes  what the pull request changes
 * @param comments the comments, on changed files only, sorted by file then line
 */
public record Review(ChangeSet changes, List<ReviewComment> comments) {
    public Review {
        Objects.requireNonNull(changes, "changes");
        comments = comments.stream()
                .sorted(Comparator.comparing(ReviewComment::file).thenComparingInt(ReviewComment::line))
                .toList();
    }

    /** The number of comments of {@code severity}. */
    public long count(ReviewComment.Severity severity) {
        return comments.stream().filter(c -> c.severity() == severity).count();
    }

    /** The comments on {@code file}. */
    public List<ReviewComment> commentsOn(String file) {
        return comments.stream().filter(c -> c.file().equals(file)).toList();
    }

    /** {@code review.md}: a summary, then each changed file with its comments. */
    public String markdown() {
        PullRequest pr = changes.pullRequest();
        StringBuilder md = new StringBuilder();
        md.append("# Review of `").append(pr.head()).append("` into `").append(pr.base()).append("`\n\n");
        md.append("Head ").append(shortSha(changes.headCommit())).append(", base ").append(shortSha(changes.baseCommit()))
                .append(" (merge base ").append(shortSha(changes.mergeBase())).append(").\n\n");
        md.append("**").append(changes.files().size()).append(" file").append(changes.files().size() == 1 ? "" : "s")
                .append(" changed, ").append(comments.size()).append(" comment").append(comments.size() == 1 ? "" : "s")
                .append("**: ").append(count(ReviewComment.Severity.ERROR)).append(" error(s), ")
                .append(count(ReviewComment.Severity.WARNING)).append(" warning(s), ")
                .append(count(ReviewComment.Severity.INFO)).append(" note(s).\n");
        for (ChangeSet.ChangedFile file : changes.files()) {
            md.append("\n## `").append(file.path()).append("` (").append(file.statusName()).append(")\n\n");
            List<ReviewComment> mine = commentsOn(file.path());
            if (mine.isEmpty()) {
                md.append("No comments.\n");
            }
            for (ReviewComment c : mine) {
                md.append("- **").append(c.severity().name().toLowerCase(java.util.Locale.ROOT)).append("** ")
                        .append(c.line() == 0 ? "(file)" : "line " + c.line()).append(": ")
                        .append(c.message().replace("\n", " ")).append('\n');
            }
        }
        return md.toString();
    }

    private static String shortSha(String sha) {
        return "`" + (sha.length() > 12 ? sha.substring(0, 12) : sha) + "`";
    }
}
