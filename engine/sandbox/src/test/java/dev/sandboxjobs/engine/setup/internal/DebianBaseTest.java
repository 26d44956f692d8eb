package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import half of the offline base (debootstrap itself is proven by CI on a fresh machine). */
@RequiresDocker
class DebianBaseTest {
    @Test
    void aRootFilesystemIsStreamedIntoAnImportedImage(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hello.txt"), "hello from an imported root\n");
        String reference = "sandbox-jobs/import-test:" + UUID.randomUUID().toString().substring(0, 8);
        List<String> progress = new ArrayList<>();
        try (DockerClient docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client()) {
            String id = new DebianBase(new Host(System.getenv()), docker, progress::add).importRootFilesystem(root, reference);
            try {
                var image = docker.inspectImageCmd(reference).exec();
                assertThat(image.getId()).isEqualTo(id);
                assertThat(image.getRootFS().getLayers()).hasSize(1);
                assertThat(image.getSize()).isGreaterThan(0L);
                assertThat(progress).anySatisfy(line -> assertThat(line).contains("Importing").contains(reference));
            } finally {
                docker.removeImageCmd(reference).exec();
            }
        }
    }
}
