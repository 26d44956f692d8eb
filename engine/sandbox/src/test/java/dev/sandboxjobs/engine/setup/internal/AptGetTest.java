package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** DockerBootstrapTest and DebianBaseInstallTest check that setup runs exactly these argv. */
class AptGetTest {
    @Test
    void everyAptGetCallWaitsForAPackageManagerThatHoldsTheLock() {
        assertThat(AptGet.argv("install", "-y", "docker.io"))
                .containsExactly("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "docker.io");
    }
}
