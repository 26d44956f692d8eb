package dev.sandboxjobs.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.VolumeMount;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.HeaderInjection;
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
        SandboxSpec spec = SandboxSpec.image("img:1").withVolumes(List.of(VolumeMount.of("npm", "/cache/npm")))
                .withNetwork(NetworkMode.BRIDGE).withMemoryBytes(256L << 20).withSecrets(List.of("T"));

        SandboxSpec back = json.readValue(json.writeValueAsString(spec), SandboxSpec.class);

        assertThat(back).isEqualTo(spec);
        assertThat(back.volumes()).containsExactly(VolumeMount.of("npm", "/cache/npm"));
    }

    @Test
    void anAllowlistSurvivesTheRoundTripAndBecomesTheSandboxsEgressPolicy() throws Exception {
        SandboxSpec spec = SandboxSpec.defaults().withEgress(EgressPolicy.allow("registry.npmjs.org:443", "*.example.com"))
                .withMemoryBytes(256L << 20);

        SandboxSpec back = json.readValue(json.writeValueAsString(spec), SandboxSpec.class);

        assertThat(back).isEqualTo(spec);
        assertThat(back.network()).isEqualTo(NetworkMode.BRIDGE);
        assertThat(back.options().egress()).isEqualTo(EgressPolicy.allow("registry.npmjs.org:443", "*.example.com"));
    }

    @Test
    void networkModesAreTheirEgressPoliciesAndOldSpecsReadBackWithoutRules() throws Exception {
        assertThat(SandboxSpec.defaults().options().egress()).isEqualTo(EgressPolicy.none());
        assertThat(SandboxSpec.defaults().withNetwork(NetworkMode.BRIDGE).options().egress()).isEqualTo(EgressPolicy.open());
        SandboxSpec old = json.readValue("{\"image\":null,\"network\":\"BRIDGE\"}", SandboxSpec.class);
        assertThat(old.allow()).isEmpty();
        assertThat(old.egress()).isEqualTo(EgressPolicy.open());
        assertThat(SandboxSpec.defaults().withEgress(EgressPolicy.allow("a.example")).withNetwork(NetworkMode.NONE).allow())
                .isEmpty();
    }

    @Test
    void aSpecRefusesWhatItCannotStore() {
        EgressPolicy injecting = EgressPolicy.builder().allow("api.example.com")
                .inject(HeaderInjection.bearer("api.example.com", Secret.of("t0ken"))).build();

        assertThatThrownBy(() -> SandboxSpec.defaults().withEgress(injecting))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header injections")
                .hasMessageNotContaining("t0ken");
        assertThatThrownBy(() -> new SandboxSpec(null, null, null, null, null, null, NetworkMode.NONE, null, null,
                List.of("a.example"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BRIDGE");
    }

    @Test
    void secretHeadersAreStoredByNameAndBoundToTheResolvedValueOnlyWhenTheSandboxIsMade() throws Exception {
        SandboxSpec spec = SandboxSpec.defaults().withEgress(EgressPolicy.allow("registry.example.com:443"))
                .withSecretHeader(SecretHeader.bearer("registry.example.com", "REGISTRY_TOKEN"));

        String stored = json.writeValueAsString(spec);
        SandboxSpec back = json.readValue(stored, SandboxSpec.class);
        EgressPolicy policy = back.egress(name -> Secret.of("value-of-" + name));

        assertThat(back).isEqualTo(spec);
        assertThat(stored).contains("REGISTRY_TOKEN").doesNotContain("value-of");
        assertThat(back.options().egress().injections()).as("options() holds no secret").isEmpty();
        assertThat(policy.injections()).singleElement().satisfies(h -> {
            assertThat(h.host()).isEqualTo("registry.example.com");
            assertThat(h.header()).isEqualTo("Authorization");
            assertThat(h.value().reveal()).isEqualTo("Bearer value-of-REGISTRY_TOKEN");
        });
        assertThat(policy.trustProxyCa()).isTrue();
        assertThat(policy.toString()).doesNotContain("value-of");
    }

    @Test
    void aSecretHeaderNeedsTheProxysNetworkAndAValidHostHeaderAndSecretName() {
        assertThatThrownBy(() -> SandboxSpec.defaults().withSecretHeader(SecretHeader.bearer("api.example.com", "T")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BRIDGE");
        assertThatThrownBy(() -> SecretHeader.of("api.example.com", "Authorization", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names the secret");
        assertThatThrownBy(() -> SecretHeader.of("api.example.com:443", "Authorization", "T"))
                .hasMessageContaining("without a port");
        assertThatThrownBy(() -> SecretHeader.of("api.example.com", "Host", "T"))
                .hasMessageContaining("cannot be injected");
        assertThat(SandboxSpec.defaults().withEgress(EgressPolicy.open())
                .withSecretHeader(SecretHeader.of("api.example.com", "X-Api-Key", "K")).withNetwork(NetworkMode.NONE)
                .headers()).as("no network, no headers").isEmpty();
    }
}
