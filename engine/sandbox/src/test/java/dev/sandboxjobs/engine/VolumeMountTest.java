package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VolumeMountTest {
    private static void refused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void hostPathsAndTheDockerSocketAreRefused() {
        refused(() -> VolumeMount.of("/var/run/docker.sock", "/var/run/docker.sock"), "host path");
        refused(() -> VolumeMount.of("/home/me", "/data"), "host path");
        refused(() -> VolumeMount.of("./data", "/data"), "host path");
        refused(() -> VolumeMount.of("~", "/data"), "host path");
    }

    @Test
    void badNamesAndMountPointsAreRefused() {
        refused(() -> VolumeMount.of("-x", "/data"), "not a valid volume name");
        refused(() -> VolumeMount.of("cache", "relative"), "absolute");
        refused(() -> VolumeMount.of("cache", "/"), "absolute");
        refused(() -> VolumeMount.of("cache", "/a/../etc"), "absolute");
        refused(() -> SandboxOptions.builder().volume("a", "/x").volume("b", "/x").build(), "same path");
    }

    @Test
    void aNamedVolumeIsAccepted() {
        SandboxOptions o = SandboxOptions.builder().volume("sandbox-jobs-cache-npm", "/cache/npm").build();
        assertThat(o.volumes()).containsExactly(new VolumeMount("sandbox-jobs-cache-npm", "/cache/npm", false));
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }
}
