package dev.sandboxjobs.engine.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code setup --full}: the full image, built FROM the runtime image, by content hash. */
@RequiresDocker
class SetupFullImageTest {
    private static DockerClient docker;
    private static SetupReport shared;

    @BeforeAll
    static void ensureTheFullImage() {
        docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
        shared = RuntimeImageForTests.ensureFull();
    }

    @AfterAll
    static void close() throws Exception {
        docker.close();
    }

    @Test
    void theFullImageIsBuiltFromTheRuntimeImageAndNotRebuiltWhenUpToDate() {
        SetupReport second = Setup.builder().installDocker(false).full(true).build().run();

        assertThat(second.fullImageBuilt()).isFalse();
        assertThat(second.fullImage()).isEqualTo(shared.fullImage())
                .matches("sandbox-jobs/runtime-full:" + RuntimeImage.version().replace(".", "\\.") + "-[0-9a-f]{12}");
        assertThat(second.fullImageAlias()).isEqualTo(RuntimeImage.fullDefaultReference());
        String id = docker.inspectImageCmd(second.fullImage()).exec().getId();
        assertThat(docker.inspectImageCmd(second.fullImageAlias()).exec().getId()).isEqualTo(id);
        var labels = docker.inspectImageCmd(second.fullImage()).exec().getConfig().getLabels();
        assertThat(labels).containsEntry("dev.sandboxjobs.image", "runtime-full")
                .containsEntry("dev.sandboxjobs.managed", "true");
        assertThat(labels.get("dev.sandboxjobs.base")).startsWith(second.image() + "@" + second.imageId());
        assertThat(second.render()).contains("Full image", second.fullImage());
    }

    @Test
    void withoutFullTheReportHasNoFullImage() {
        SetupReport plain = Setup.builder().installDocker(false).build().run();
        assertThat(plain.fullImage()).isNull();
        assertThat(plain.render()).doesNotContain("Full image");
    }
}
