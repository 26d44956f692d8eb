package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.examples.review.ChangeSet;
import dev.sandboxjobs.examples.review.LinterReviewer;
import dev.sandboxjobs.examples.review.PullRequest;
import dev.sandboxjobs.examples.review.Review;
import dev.sandboxjobs.examples.review.ReviewComment;
import dev.sandboxjobs.examples.review.ReviewComment.Severity;
import dev.sandboxjobs.examples.review.ReviewPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot on a real repository made here: a bare "forge" repository with {@code main} and a pull
 * request at {@code refs/pull/1/head} that plants known problems, while {@code main} moves on
 * with a broken file of its own that is not the pull request's.
 */
@RequiresDocker
class CodeReviewBotTest {
    @TempDir Path dataDir;
    @TempDir Path tmp;

    private static final String LONG_LINE = "This line is far too long for the project's style: " + "x".repeat(100);

    /** The forge's bare repository; returns its path. */
    private Path forge() {
        Path work = GitRepos.create(tmp.resolve("work"), "main", Map.of(
                "calc.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
                "legacy.py", "def old(:\n    pass\n",
                "deploy.sh", "#!/bin/bash\nset -e\necho \"deploying $1\"\n",
                "notes.md", "# Notes\n\nOld line with trailing space   \n"));
        Path bare = tmp.resolve("forge.git");
        GitRepos.git(tmp, "init", "--quiet", "--bare", bare.toString());
        GitRepos.git(work, "remote", "add", "origin", bare.toString());
        GitRepos.git(work, "push", "--quiet", "origin", "main");

        GitRepos.git(work, "checkout", "--quiet", "-b", "feature");
        GitRepos.commit(work, "the pull request", Map.of(
                "calc.py", "def add(a, b):\n    return a + b\n\ndef broken(:\n    return 0\n",
                "deploy.sh", "#!/bin/bash\nset -e\necho \"deploying $1\"\n  echo done )\n",
                "app.js", "const x = 1;\nconst y = ;\nconsole.log(x, y);\n",
                "config.json", "{\n  \"name\": \"app\",\n  \"port\": 80 80\n}\n",
                "notes.md", "# Notes\n\nOld line with trailing space   \nNew line with trailing space \n"
                        + "TODO: write the docs\n" + LONG_LINE + "\n"));
        GitRepos.git(work, "push", "--quiet", "origin", "feature:refs/pull/1/head");

        GitRepos.git(work, "checkout", "--quiet", "main");
        GitRepos.commit(work, "main moves on", Map.of("other.py", "def other(:\n    pass\n"));
        GitRepos.git(work, "push", "--quiet", "origin", "main");
        return bare;
    }

    @Test
    void theBotCommentsOnThePlantedProblemsOfThePullRequestAndOnNothingElse() throws Exception {
        Path bare = forge();
        Path out = tmp.resolve("out/review.md");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Review review;
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dataDir).image(TestImages.runtime()).build()) {
            review = CodeReviewBot.run(engine, new PullRequest(bare.toString(), "main", PullRequest.pullRef(1)),
                    new LinterReviewer(), ReviewPublisher.markdownFile(out),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(engine.listSandboxes()).isEmpty();
        }

        ChangeSet changes = review.changes();
        assertThat(changes.headCommit()).isEqualTo(GitRepos.git(bare, "rev-parse", "refs/pull/1/head"));
        assertThat(changes.baseCommit()).isEqualTo(GitRepos.git(bare, "rev-parse", "main"));
        assertThat(changes.mergeBase()).isEqualTo(GitRepos.git(bare, "rev-parse", "main~1"));
        assertThat(changes.files()).extracting(ChangeSet.ChangedFile::path)
                .containsExactlyInAnyOrder("calc.py", "deploy.sh", "app.js", "config.json", "notes.md");
        assertThat(changes.files()).filteredOn(f -> f.path().equals("app.js"))
                .extracting(ChangeSet.ChangedFile::status).containsExactly('A');

        assertThat(review.commentsOn("calc.py")).containsExactly(
                new ReviewComment("calc.py", 4, Severity.ERROR, "[python] SyntaxError: invalid syntax"));
        assertThat(review.commentsOn("deploy.sh")).singleElement().satisfies(c -> {
            assertThat(c.line()).isEqualTo(4);
            assertThat(c.severity()).isEqualTo(Severity.ERROR);
            assertThat(c.message()).startsWith("[bash -n] syntax error near unexpected token");
        });
        assertThat(review.commentsOn("app.js")).singleElement().satisfies(c -> {
            assertThat(c.line()).isEqualTo(2);
            assertThat(c.severity()).isEqualTo(Severity.ERROR);
            assertThat(c.message()).startsWith("[node --check] SyntaxError");
        });
        assertThat(review.commentsOn("config.json")).singleElement().satisfies(c -> {
            assertThat(c.line()).isEqualTo(3);
            assertThat(c.message()).startsWith("[json] invalid JSON: Expecting ',' delimiter");
        });
        assertThat(review.commentsOn("notes.md")).containsExactly(
                new ReviewComment("notes.md", 4, Severity.INFO, "[whitespace] trailing whitespace"),
                new ReviewComment("notes.md", 5, Severity.INFO, "[todo] left in the change: TODO: write the docs"),
                new ReviewComment("notes.md", 6, Severity.WARNING, "[length] line is " + LONG_LINE.length()
                        + " characters long (limit 120)"));
        assertThat(review.comments()).extracting(ReviewComment::file).doesNotContain("legacy.py", "other.py");

        String markdown = Files.readString(out);
        assertThat(markdown).isEqualTo(review.markdown())
                .contains("**5 files changed, 7 comments**: 4 error(s), 1 warning(s), 2 note(s).")
                .contains("## `calc.py` (modified)\n\n- **error** line 4: [python] SyntaxError: invalid syntax\n")
                .contains("## `app.js` (added)")
                .doesNotContain("legacy.py").doesNotContain("other.py");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("5 changed file(s)").contains("Review written to " + out);
    }
}
