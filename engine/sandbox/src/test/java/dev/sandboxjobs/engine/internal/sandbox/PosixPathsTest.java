package dev.sandboxjobs.engine.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import org.junit.jupiter.api.Test;

class PosixPathsTest {
    @Test
    void relativePathsResolveAgainstTheDirectoryAndDotsFold() {
        assertThat(PosixPaths.resolve("a/./b/../c", "/work")).isEqualTo("/work/a/c");
        assertThat(PosixPaths.resolve("/x//y/", "/work")).isEqualTo("/x/y");
        assertThat(PosixPaths.resolve("../../..", "/work")).isEqualTo("/");
        assertThat(PosixPaths.parent("/a/b")).isEqualTo("/a");
        assertThat(PosixPaths.parent("/a")).isEqualTo("/");
        assertThat(PosixPaths.name("/a/b")).isEqualTo("b");
    }

    @Test
    void emptyPathsAndNulBytesAreInvalidPath() {
        assertThatThrownBy(() -> PosixPaths.resolve("", "/"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_PATH));
        assertThatThrownBy(() -> PosixPaths.resolve("a\0b", "/"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_PATH));
    }
}
