package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real git repositories made by the examples' tests with the host's {@code git}. */
final class GitRepos {
    private GitRepos() {}

    /** A new repository in {@code dir} whose first commit on {@code branch} holds {@code files}. */
    static Path create(Path dir, String branch, Map<String, String> files) {
        git(dir.getParent(), "init", "--quiet", "--initial-branch=" + branch, dir.toString());
        commit(dir, "first commit", files);
        return dir;
    }

    /** Writes {@code files} (path to content) and commits them. */
    static String commit(Path repo, String message, Map<String, String> files) {
        try {
            for (var f : files.entrySet()) {
                Path file = repo.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", message);
        return git(repo, "rev-parse", "HEAD");
    }

    /** Runs {@code git -C dir args…}, asserting it succeeds; returns its output, stripped. */
    static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("git %s finished", List.of(args)).isTrue();
            assertThat(p.exitValue()).as("git %s: %s", List.of(args), out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
