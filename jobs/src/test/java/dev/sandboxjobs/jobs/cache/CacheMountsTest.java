package dev.sandboxjobs.jobs.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheMountsTest {

    @Test
    void everyKindWithDependenciesHasAVolumeUnderCache() {
        CacheMounts all = CacheMounts.defaults();

        assertThat(all.volumeNames()).containsExactly("sandbox-jobs-cache-npm", "sandbox-jobs-cache-pip",
                "sandbox-jobs-cache-m2", "sandbox-jobs-cache-gradle", "sandbox-jobs-cache-go", "sandbox-jobs-cache-cargo");
        assertThat(all.mounts()).allSatisfy(m -> assertThat(m.containerPath()).startsWith("/cache/"));
        for (ProjectKind kind : Set.of(ProjectKind.NODE, ProjectKind.PYTHON, ProjectKind.MAVEN, ProjectKind.GRADLE,
                ProjectKind.GO, ProjectKind.RUST)) {
            assertThat(all.forKind(kind).mounts()).as(kind.id()).hasSize(1);
        }
        assertThat(all.forKind(ProjectKind.MAKE).isEmpty()).isTrue();
    }

    @Test
    void theEnvironmentPointsEachToolAtItsVolume() {
        CacheMounts all = CacheMounts.defaults();

        assertThat(all.envFor(ProjectKind.GO)).containsEntry("GOMODCACHE", "/cache/go/mod").containsEntry("GOCACHE", "/cache/go/build");
        assertThat(all.envFor(ProjectKind.RUST)).containsEntry("CARGO_HOME", "/cache/cargo");
        assertThat(all.envFor(ProjectKind.NODE)).containsEntry("npm_config_cache", "/cache/npm").doesNotContainKey("CARGO_HOME");
        // pnpm's store setting only for pnpm: npm 11 warns about an unknown npm_config_store_dir in every npm project
        assertThat(all.envFor(ProjectKind.NODE, "pnpm")).containsEntry("npm_config_store_dir", "/cache/npm/pnpm-store");
        assertThat(all.envFor(ProjectKind.NODE, "npm")).containsEntry("npm_config_cache", "/cache/npm")
                .doesNotContainKey("npm_config_store_dir");
        assertThat(all.env()).containsKeys("PIP_CACHE_DIR", "MAVEN_OPTS", "GRADLE_USER_HOME");
    }

    @Test
    void optingOutMountsNothingAndAddsNoEnvironment() {
        assertThat(CacheMounts.none().isEmpty()).isTrue();
        assertThat(CacheMounts.none().envFor(ProjectKind.NODE)).isEmpty();
    }

    @Test
    void aPrefixNamesAnotherSetOfVolumesAndBadNamesAreRefused() {
        assertThat(CacheMounts.withPrefix("tenant-a-").volumeNames()).allSatisfy(n -> assertThat(n).startsWith("tenant-a-"));
        assertThatThrownBy(() -> CacheMounts.withPrefix("../evil "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("volume name");
    }
}
