package dev.sandboxjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandRepositoryTest {

    @Test
    void aRelativeLocalDirectoryIsStoredAsAnAbsolutePath(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path relative = Path.of("").toAbsolutePath().relativize(repo);

        assertThat(TestCommand.absoluteIfLocal(relative.toString())).isEqualTo(repo.toString());
    }

    @Test
    void urlsAndMissingPathsAreKeptAsGiven() {
        assertThat(TestCommand.absoluteIfLocal("https://example.org/repo.git")).isEqualTo("https://example.org/repo.git");
        assertThat(TestCommand.absoluteIfLocal("file:///srv/repo.git")).isEqualTo("file:///srv/repo.git");
        assertThat(TestCommand.absoluteIfLocal("no-such-directory-here")).isEqualTo("no-such-directory-here");
        assertThat(TestCommand.absoluteIfLocal("bad\0path")).isEqualTo("bad\0path");
    }
}
