package dev.sandboxjobs.engine.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupErrorsTest {
    @Test
    void anUnreachableExplicitEngineIsDockerUnavailableAndSaysWhatToDo() {
        Setup setup = Setup.builder().dockerHost("tcp://127.0.0.1:1").hostCaCertificates(false).build();
        assertThatThrownBy(setup::run)
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DOCKER_UNAVAILABLE))
                .hasMessageContaining("tcp://127.0.0.1:1").hasMessageContaining("DOCKER_HOST");
    }

    @Test
    void aMissingCertificateFileIsRejectedWhenBuilding(@TempDir Path dir) {
        assertThatThrownBy(() -> Setup.builder().addCaCertificate(dir.resolve("nope.crt")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.crt");
    }

    @Test
    void theDataDirectoryComesFromTheEnvironmentWhenNotGiven(@TempDir Path dir) {
        DoctorReport doctor = Setup.builder().environment(Map.of(Setup.DATA_DIR_ENV, dir.toString(),
                "DOCKER_HOST", "tcp://127.0.0.1:1")).hostCaCertificates(false).build().doctor();
        assertThat(doctor.database()).isEqualTo(dir.resolve(Setup.DATABASE_FILE));
        assertThat(doctor.dockerHost()).isEqualTo("tcp://127.0.0.1:1");
    }
}
