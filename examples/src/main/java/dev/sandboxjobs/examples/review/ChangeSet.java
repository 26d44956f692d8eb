package dev.sandboxjobs.examples.review;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a pull request changes, as computed in the sandbox: {@code git diff} between the merge
 * base of the base branch and the head, so that changes made on the base branch meanwhile are
 * not the pull request's.
 *
 * @param pullRequest the pull request
 * @param repoDir     the clone in the sandbox, checked out at the head
 * @param baseCommit  the base branch's commit
 * @param mergeBase   the commit the diff starts from
 * @param headCommit  the pull request's head commit
 * @param files       the changed files, in {@code git diff} order
 * @param diff        the unified diff, capped at {@value #MAX_DIFF} characters
 */
public record ChangeSet(PullRequest pullRequest, String repoDir, String baseCommit, String mergeBase,
        String headCommit, List<ChangedFile> files, String diff) {
    /** Most characters of {@link #diff()} kept. */
    public static final int MAX_DIFF = 200_000;

    public ChangeSet {
        Objects.requireNonNull(pullRequest, "pullRequest");
        files = List.copyOf(files);
    }

    /**
     * One changed file.
     *
     * @param path       its path in the repository (the new path of a rename)
     * @param status     {@code A}dded, {@code M}odified, {@code D}eleted, {@code R}enamed, {@code C}opied, {@code T}ype changed
     * @param addedLines the lines of the head's version that the pull request added or changed
     * @param size       its size in bytes at the head, 0 when deleted
     * @param content    its text at the head; null when deleted, binary or larger than the bot reads
     */
    public record ChangedFile(String path, char status, Set<Integer> addedLines, long size, String content) {
        public ChangedFile {
            Objects.requireNonNull(path, "path");
            addedLines = Set.copyOf(addedLines);
        }

        public boolean deleted() {
            return status == 'D';
        }

        /** {@code added}, {@code modified}, {@code deleted}, … for display. */
        public String statusName() {
            return switch (status) {
                case 'A' -> "added";
                case 'M' -> "modified";
                case 'D' -> "deleted";
                case 'R' -> "renamed";
                case 'C' -> "copied";
                case 'T' -> "type changed";
                default -> String.valueOf(status);
            };
        }
    }
}
