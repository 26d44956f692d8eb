package dev.sandboxjobs.engine.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.setup.internal.CaCertificates;
import dev.sandboxjobs.engine.testing.OneShotContainer;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SetupTest {
    private static DockerClient docker;
    private static SetupReport shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void ensureTheSharedImage() {
        docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
        shared = RuntimeImageForTests.ensure();
    }

    @AfterAll
    static void close() throws Exception {
        docker.close();
    }

    @Test
    void aSecondRunWithTheSameInputsBuildsNothingAndKeepsBothTags() {
        SetupReport second = Setup.builder().build().run();

        assertThat(second.imageBuilt()).isFalse();
        assertThat(second.image()).isEqualTo(shared.image())
                .matches("sandbox-jobs/runtime:" + RuntimeImage.version().replace(".", "\\.") + "-[0-9a-f]{12}");
        assertThat(second.imageId()).isEqualTo(shared.imageId());
        assertThat(second.imageAlias()).isEqualTo(RuntimeImage.defaultReference());
        assertThat(docker.inspectImageCmd(second.image()).exec().getId()).isEqualTo(second.imageId());
        assertThat(docker.inspectImageCmd(second.imageAlias()).exec().getId()).isEqualTo(second.imageId());
        assertThat(second.render()).contains("(up to date)").contains(second.image());
    }

    @Test
    void theImageCarriesItsInputsHashAndBase() {
        var labels = docker.inspectImageCmd(shared.image()).exec().getConfig().getLabels();
        assertThat(labels).containsEntry("dev.sandboxjobs.managed", "true")
                .containsEntry("dev.sandboxjobs.image", "runtime")
                .containsEntry("dev.sandboxjobs.version", RuntimeImage.version());
        assertThat(labels.get("dev.sandboxjobs.inputs-hash")).startsWith(shared.image().substring(shared.image().lastIndexOf('-') + 1));
    }

    @Test
    void theImageHasTheToolsOfTheSeedsBaseImage() {
        var result = OneShotContainer.run(docker, shared.image(), "bash", "-c", String.join(" && ",
                "python3 -c 'import numpy, pandas, matplotlib, IPython; print(\"py-ok\", matplotlib.get_backend().lower())'",
                "pip --version >/dev/null", "python --version",
                "node -e 'console.log(\"node-ok\")'", "npm --version >/dev/null",
                "git --version >/dev/null", "gcc --version >/dev/null", "g++ --version >/dev/null", "make --version >/dev/null",
                "curl --version >/dev/null", "wget --version >/dev/null", "jq --version >/dev/null",
                "zip -v >/dev/null", "unzip -v >/dev/null", "ps -p 1 >/dev/null", "command -v killall >/dev/null",
                "test -x /usr/bin/tini", "test -x /opt/sandbox-jobs/bin/trust-ca", "echo cwd=$(pwd)"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("py-ok agg").contains("node-ok").contains("cwd=/workspace");
    }

    @Test
    void npmReachesTheRegistryOverHttpsInsideTheImage() {
        var result = OneShotContainer.run(docker, shared.image(), "npm", "view", "is-number", "version");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aCaCertificateGivenToSetupIsTrustedInsideItsImage() throws Exception {
        Path alpha = TestCertificates.write(dir, "alpha");
        String repository = "sandbox-jobs/runtime-setup-test";
        SetupReport variant = Setup.builder().imageRepository(repository).addCaCertificate(alpha).build().run();
        try {
            assertThat(variant.image()).startsWith(repository + ":").isNotEqualTo(shared.image().replace("sandbox-jobs/runtime:", repository + ":"));
            assertThat(variant.caCertificates()).anySatisfy(c -> assertThat(c).contains("CN=Sandbox Jobs Test CA alpha"));
            String fileName = CaCertificates.read(alpha, "test").get(0).fileName();
            String bodyLine = Files.readAllLines(alpha).get(1);
            var result = OneShotContainer.run(docker, variant.image(), "sh", "-c",
                    "test -f /usr/local/share/ca-certificates/sandbox-jobs/" + fileName
                            + " && grep -c -F '" + bodyLine + "' /etc/ssl/certs/ca-certificates.crt && echo SSL_CERT_FILE=$SSL_CERT_FILE");
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
            assertThat(docker.inspectImageCmd(RuntimeImage.defaultReference()).exec().getId())
                    .as("the default alias did not move").isEqualTo(shared.imageId());
        } finally {
            removeQuietly(variant.imageAlias());
            removeQuietly(variant.image());
        }
    }

    @Test
    void doctorShowsTheEngineTheImageTheDatabaseAndTheCertificates() throws Exception {
        Files.createFile(dir.resolve(Setup.DATABASE_FILE));
        DoctorReport doctor = Setup.builder().dataDirectory(dir).build().doctor();

        assertThat(doctor.dockerProblem()).isNull();
        assertThat(doctor.serverVersion()).isNotBlank();
        assertThat(doctor.apiVersion()).matches("1\\.\\d+");
        assertThat(doctor.imageAlias()).isEqualTo(RuntimeImage.defaultReference());
        assertThat(doctor.imageId()).isEqualTo(shared.imageId());
        assertThat(doctor.expectedImage()).isEqualTo(shared.image());
        assertThat(doctor.imageUpToDate()).isTrue();
        assertThat(doctor.database()).isEqualTo(dir.resolve(Setup.DATABASE_FILE).toAbsolutePath());
        assertThat(doctor.databaseExists()).isTrue();
        assertThat(doctor.healthy()).isTrue();
        assertThat(doctor.caCertificates()).isEqualTo(shared.caCertificates());
        assertThat(doctor.render()).contains("Docker engine", doctor.serverVersion(), "Docker API", doctor.apiVersion(),
                "Runtime image", "up to date", "Database", dir.toString(), "Status", "OK");
    }

    @Test
    void doctorSeesThatAnAddedCertificateChangesTheTagAndCallsForSetup() {
        Path alpha = TestCertificates.write(dir, "alpha");
        DoctorReport doctor = Setup.builder().addCaCertificate(alpha).dataDirectory(dir).build().doctor();

        assertThat(doctor.caCertificates()).anySatisfy(c -> assertThat(c).contains("CN=Sandbox Jobs Test CA alpha"));
        assertThat(doctor.expectedImage()).isNotEqualTo(shared.image()).startsWith(RuntimeImage.defaultReference() + "-");
        assertThat(doctor.imageUpToDate()).isFalse();
        assertThat(doctor.databaseExists()).isFalse();
        assertThat(doctor.problems()).singleElement().asString().contains("./sandbox-jobs setup");
        assertThat(Setup.builder().addCaCertificate(alpha).build().doctor().expectedImage())
                .as("same inputs, same tag").isEqualTo(doctor.expectedImage());
    }

    @Test
    void doctorReportsAnUnreachableEngineWithoutFailing() {
        DoctorReport doctor = Setup.builder().dockerHost("tcp://127.0.0.1:1").dataDirectory(dir).build().doctor();
        assertThat(doctor.dockerProblem()).isNotBlank();
        assertThat(doctor.healthy()).isFalse();
        assertThat(doctor.render()).contains("NOT REACHABLE at tcp://127.0.0.1:1");
    }

    private static void removeQuietly(String tag) {
        try {
            docker.removeImageCmd(tag).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }
}
