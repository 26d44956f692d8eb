package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Real git repositories made from the fixtures under {@code /projects}, and host processes. */
final class PipelineTestSupport {
    private PipelineTestSupport() {}

    static Path fixture(String name) {
        try {
            return Path.of(PipelineTestSupport.class.getResource("/projects/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a fixture and commits it as a new git repository; returns its path. */
    static Path gitRepository(Path parent, String fixture, String branch) {
        Path repo = parent.resolve(fixture);
        try (Stream<Path> files = Files.walk(fixture(fixture))) {
            for (Path from : files.toList()) {
                Path to = repo.resolve(fixture(fixture).relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(repo, "init", "--quiet", "--initial-branch=" + branch);
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "fixture");
        return repo;
    }

    static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Run r = run(argv);
        assertThat(r.exit()).as("git %s: %s", List.of(args), r.output()).isZero();
        return r.output().strip();
    }

    record Run(int exit, String output) {}

    /** Runs a host program (stdout and stderr merged). */
    static Run run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + argv);
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
