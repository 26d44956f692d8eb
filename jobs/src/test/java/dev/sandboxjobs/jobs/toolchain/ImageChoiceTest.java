package dev.sandboxjobs.jobs.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageChoiceTest {

    @Test
    void jvmGoAndRustProjectsNeedTheFullImage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("go.mod"), "module example.com/x\n\ngo 1.22\n");
        ImageChoice go = ImageChoice.forDirectory(dir, "");
        assertThat(go.variant()).isEqualTo(ImageChoice.FULL);
        assertThat(go.kinds()).containsExactly(ProjectKind.GO);
        assertThat(go.reason()).contains("needs Go, which only the full image has");
    }

    @Test
    void aCMakeProjectNeedsTheFullImageAPlainMakefileDoesNot(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("cmake"));
        Files.writeString(dir.resolve("cmake/CMakeLists.txt"), "project(x C)\nenable_testing()\nadd_test(NAME a COMMAND a)\n");
        Files.createDirectories(dir.resolve("make"));
        Files.writeString(dir.resolve("make/Makefile"), "test:\n\t./run-tests\n");

        ImageChoice cmake = ImageChoice.forDirectory(dir, "cmake");

        assertThat(cmake.variant()).isEqualTo(ImageChoice.FULL);
        assertThat(cmake.kinds()).containsExactly(ProjectKind.MAKE);
        assertThat(cmake.reason()).contains("needs CMake, which only the full image has");
        assertThat(ImageChoice.forDirectory(dir, "make").variant()).isEqualTo(ImageChoice.RUNTIME);
    }

    @Test
    void nodePythonAndMakeProjectsRunInTheRuntimeImage(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("web"));
        Files.writeString(dir.resolve("web/package.json"), "{\"scripts\": {\"test\": \"mocha\"}}");
        assertThat(ImageChoice.forDirectory(dir, "web").variant()).isEqualTo(ImageChoice.RUNTIME);
        assertThat(ImageChoice.forKinds(List.of(ProjectKind.NODE, ProjectKind.MAVEN), "").variant())
                .isEqualTo(ImageChoice.FULL);
        assertThat(ImageChoice.forKinds(List.of(), "").variant()).isEqualTo(ImageChoice.RUNTIME);
    }
}
