package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aSpecStoredBeforeVolumesExistedReadsBackWithoutVolumes() throws Exception {
        SandboxSpec spec = json.readValue("{\"image\":\"img:1\",\"env\":{},\"secrets\":[\"T\"],\"memoryMb\":0,"
                + "\"cpus\":0,\"pids\":0,\"network\":\"none\",\"labels\":{}}", SandboxSpec.class);

        assertThat(spec.volumes()).isEmpty();
        assertThat(spec.secrets()).containsExactly("T");
    }

    @Test
    void volumesSurviveTheRoundTripAndEveryWithMethodKeepsThem() throws Exception {
        SandboxSpec spec = SandboxSpec.image("img:1").withVolumes(List.of(new SandboxSpec.Volume("npm", "/cache/npm")))
                .withNetwork("bridge").withMemoryMb(256).withSecrets(List.of("T"));

        SandboxSpec back = json.readValue(json.writeValueAsString(spec), SandboxSpec.class);

        assertThat(back).isEqualTo(spec);
        assertThat(back.volumes()).containsExactly(new SandboxSpec.Volume("npm", "/cache/npm"));
    }
}
