package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.examples.review.AnthropicReviewer;
import dev.sandboxjobs.examples.review.ChangeSet;
import dev.sandboxjobs.examples.review.LinterReviewer;
import dev.sandboxjobs.examples.review.PullRequest;
import dev.sandboxjobs.examples.review.Review;
import dev.sandboxjobs.examples.review.ReviewComment;
import dev.sandboxjobs.examples.review.ReviewPublisher;
import dev.sandboxjobs.examples.review.Reviewer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A code review bot: clones a repository at a pull request's head in a fresh sandbox, diffs it
 * against the merge base with its base branch, reads the changed files there, has a
 * {@link Reviewer} comment on them and a {@link ReviewPublisher} publish the review
 * ({@code review.md} by default). The sandbox is destroyed at the end.
 *
 * <pre>
 * java -cp "examples/target/classes:examples/target/lib/*" dev.sandboxjobs.examples.CodeReviewBot \
 *     /path/to/repo.git --base main --pr 1 --out review.md
 * </pre>
 */
public final class CodeReviewBot {
    /** Where the repository is cloned in the sandbox. */
    public static final String REPO_DIR = "/workspace/repo";
    /** Largest file the bot reads into {@link ChangeSet.ChangedFile#content()}. */
    public static final int MAX_READ = 1024 * 1024;

    private static final String SOURCE_DIR = "/workspace/source";
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,(\\d+))? @@");
    private static final Map<String, String> GIT_ENV = Map.of(
            "GIT_TERMINAL_PROMPT", "0",
            "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "safe.directory", "GIT_CONFIG_VALUE_0", "*");

    private CodeReviewBot() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            usage();
        }
        String repository = args[0];
        String base = "main";
        String head = null;
        Path out = Path.of("review.md");
        boolean anthropic = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--base" -> base = value(args, ++i);
                case "--head" -> head = value(args, ++i);
                case "--pr" -> head = PullRequest.pullRef(number(value(args, ++i)));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--anthropic" -> anthropic = true;
                default -> usage();
            }
        }
        if (head == null) {
            usage();
        }
        PullRequest pr;
        try {
            pr = new PullRequest(repository, base, head);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Reviewer reviewer = anthropic ? AnthropicReviewer.fromEnvironment() : new LinterReviewer();
        Review review;
        try (SandboxEngine engine = SandboxEngine.create()) {
            review = run(engine, pr, reviewer, ReviewPublisher.markdownFile(out), System.out);
        }
        System.exit(review.count(ReviewComment.Severity.ERROR) == 0 ? 0 : 1);
    }

    /** Reviews {@code pr} in a fresh sandbox of {@code engine}, publishes the review and returns it. */
    public static Review run(SandboxEngine engine, PullRequest pr, Reviewer reviewer, ReviewPublisher publisher,
            PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("code-review-" + System.nanoTime())) {
            try {
                ChangeSet changes = changes(sandbox, pr);
                out.println("Reviewing " + pr.head() + " (" + changes.headCommit() + ") into " + pr.base() + ": "
                        + changes.files().size() + " changed file(s)");
                changes.files().forEach(f -> out.println("  " + f.status() + " " + f.path()));
                Review review = new Review(changes, reviewer.review(sandbox, changes));
                for (ReviewComment c : review.comments()) {
                    out.println(c.file() + ":" + c.line() + ": " + c.severity().name().toLowerCase(java.util.Locale.ROOT)
                            + ": " + c.message());
                }
                out.println("Review written to " + publisher.publish(review));
                return review;
            } finally {
                sandbox.destroy();
            }
        }
    }

    /**
     * Clones {@code pr}'s repository into {@link #REPO_DIR}, checks out its head and computes what
     * it changes since the merge base with its base branch. A directory of this machine is copied
     * into the sandbox first and cloned from there.
     */
    public static ChangeSet changes(Sandbox sandbox, PullRequest pr) {
        String url = pr.repository();
        Path local = Path.of(url.startsWith("file://") ? url.substring("file://".length()) : url);
        if (!url.contains("://") || url.startsWith("file://")) {
            if (!Files.isDirectory(local)) {
                throw new IllegalArgumentException("the repository is neither a git URL nor a directory: " + url);
            }
            sandbox.copyIn(local.toAbsolutePath(), SOURCE_DIR);
            url = "file://" + SOURCE_DIR;
        }
        git(sandbox, "/workspace", "init", "--quiet", REPO_DIR);
        git(sandbox, REPO_DIR, "remote", "add", "origin", url);
        git(sandbox, REPO_DIR, "fetch", "--quiet", "--no-tags", "origin",
                "+" + pr.base() + ":refs/review/base", "+" + pr.head() + ":refs/review/head");
        git(sandbox, REPO_DIR, "-c", "advice.detachedHead=false", "checkout", "--quiet", "refs/review/head");
        String head = git(sandbox, REPO_DIR, "rev-parse", "refs/review/head").strip();
        String base = git(sandbox, REPO_DIR, "rev-parse", "refs/review/base").strip();
        String mergeBase = git(sandbox, REPO_DIR, "merge-base", base, head).strip();

        List<ChangeSet.ChangedFile> files = new ArrayList<>();
        String[] fields = git(sandbox, REPO_DIR, "diff", "--name-status", "-z", "-M", mergeBase, head).split("\0");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            char status = fields[i].charAt(0);
            if (status == 'R' || status == 'C') {
                i++; // the old path; the new one follows
            }
            String path = fields[i + 1];
            files.add(changedFile(sandbox, mergeBase, head, status, path));
        }
        String diff = git(sandbox, REPO_DIR, "diff", "--no-color", "-M", mergeBase, head);
        if (diff.length() > ChangeSet.MAX_DIFF) {
            diff = diff.substring(0, ChangeSet.MAX_DIFF) + "\n[… diff cut at " + ChangeSet.MAX_DIFF + " characters]\n";
        }
        return new ChangeSet(pr, REPO_DIR, base, mergeBase, head, files, diff);
    }

    private static ChangeSet.ChangedFile changedFile(Sandbox sandbox, String mergeBase, String head, char status,
            String path) {
        if (status == 'D') {
            return new ChangeSet.ChangedFile(path, status, Set.of(), 0, null);
        }
        Set<Integer> added = new HashSet<>();
        String diff = git(sandbox, REPO_DIR, "diff", "--no-color", "--unified=0", "-M", mergeBase, head, "--", path);
        for (String line : diff.lines().toList()) {
            Matcher m = HUNK.matcher(line);
            if (m.find()) {
                int start = Integer.parseInt(m.group(1));
                int count = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                for (int n = start; n < start + count; n++) {
                    added.add(n);
                }
            }
        }
        long size = Long.parseLong(git(sandbox, REPO_DIR, "cat-file", "-s", head + ":" + path).strip());
        String content = null;
        if (size <= MAX_READ) {
            byte[] bytes = sandbox.readFileBytes(REPO_DIR + "/" + path);
            if (!isBinary(bytes)) {
                content = new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return new ChangeSet.ChangedFile(path, status, added, size, content);
    }

    private static boolean isBinary(byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code git args…} (an argv, no shell) in {@code dir}; its stdout, or an exception saying what failed. */
    private static String git(Sandbox sandbox, String dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        ExecResult r = sandbox.exec(argv, ExecOptions.builder().cwd(dir).env(new LinkedHashMap<>(GIT_ENV))
                .timeout(GIT_TIMEOUT).build());
        if (!r.success()) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip() + " — check that the repository, the base branch and the head ref exist");
        }
        return r.stdout();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage();
        }
        return args[i];
    }

    private static int number(String value) {
        if (!value.matches("[1-9][0-9]{0,8}")) {
            System.err.println("--pr takes a pull request number, not " + value);
            System.exit(2);
        }
        return Integer.parseInt(value);
    }

    private static void usage() {
        System.err.println("usage: CodeReviewBot <git-url-or-directory> (--pr N | --head REF) [--base BRANCH]"
                + " [--out review.md] [--anthropic]");
        System.exit(2);
    }
}
