package dev.sandboxjobs.engine.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import org.junit.jupiter.api.Test;

@RequiresDocker
class DockerClientsTest {
    @Test
    void connectNegotiatesTheDaemonsApiVersion() throws Exception {
        var connected = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST")));
        try (var client = connected.client()) {
            assertThat(connected.apiVersion()).matches("1\\.\\d+");
            assertThat(client.versionCmd().exec().getApiVersion()).isEqualTo(connected.apiVersion());
        }
    }

    @Test
    void hostResolutionPrefersExplicitThenEnvironment() {
        assertThat(DockerClients.resolveHost("tcp://a:1", "unix:///b")).isEqualTo("tcp://a:1");
        assertThat(DockerClients.resolveHost(null, "unix:///b")).isEqualTo("unix:///b");
        assertThat(DockerClients.resolveHost(" ", null)).isEqualTo(DockerClients.DEFAULT_HOST);
    }
}
