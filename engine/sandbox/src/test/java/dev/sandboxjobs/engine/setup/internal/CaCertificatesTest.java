package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void readsTheSubjectAndAContentDerivedFileName() {
        Path alpha = TestCertificates.write(dir, "alpha");
        List<CaCertificates.Certificate> read = CaCertificates.read(alpha, "--ca-cert");
        assertThat(read).hasSize(1);
        assertThat(read.get(0).subject()).isEqualTo("CN=Sandbox Jobs Test CA alpha");
        assertThat(read.get(0).fileName()).matches("ca-[0-9a-f]{16}\\.crt");
        assertThat(read.get(0).describe()).contains("CN=Sandbox Jobs Test CA alpha").contains("--ca-cert").contains(alpha.toString());
    }

    @Test
    void aBundleIsSplitIntoOneCertificateEach() {
        Path bundle = TestCertificates.copy(dir, "test-ca-bundle.pem");
        assertThat(CaCertificates.read(bundle, "--ca-cert")).extracting(CaCertificates.Certificate::subject)
                .containsExactly("CN=Sandbox Jobs Test CA alpha", "CN=Sandbox Jobs Test CA beta");
    }

    @Test
    void aDerFileIsReadAndTurnedIntoPem() {
        Path der = TestCertificates.copy(dir, "test-ca-alpha.der");
        Path pem = TestCertificates.write(dir, "alpha");
        CaCertificates.Certificate fromDer = CaCertificates.read(der, "--ca-cert").get(0);
        assertThat(fromDer.pem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(fromDer.fingerprint()).isEqualTo(CaCertificates.read(pem, "--ca-cert").get(0).fingerprint());
    }

    @Test
    void theSameCertificatesGiveTheSameSetWhateverTheirOrderOrFileNames() throws Exception {
        Path alpha = TestCertificates.write(dir, "alpha");
        Path beta = TestCertificates.write(dir, "beta");
        Path alphaAgain = Files.copy(alpha, dir.resolve("renamed.pem"));
        var one = CaCertificates.collect(null, null, List.of(alpha, beta));
        var two = CaCertificates.collect(null, null, List.of(beta, alphaAgain, alpha));
        assertThat(two).extracting(CaCertificates.Certificate::fingerprint)
                .containsExactlyElementsOf(one.stream().map(CaCertificates.Certificate::fingerprint).toList());
        assertThat(two).hasSize(2);
    }

    @Test
    void hostCertificatesAreTakenFromTheHostFolderUnlessLeftOut() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        TestCertificates.write(host, "alpha");
        Files.writeString(host.resolve("ignored.txt"), "not a .crt");
        assertThat(CaCertificates.collect(host, null, List.of())).extracting(CaCertificates.Certificate::origin)
                .containsExactly("host");
        assertThat(CaCertificates.collect(null, null, List.of())).isEmpty();
    }

    @Test
    void theEnvironmentVariableListsFilesSeparatedLikePath() {
        Path alpha = TestCertificates.write(dir, "alpha");
        Path beta = TestCertificates.write(dir, "beta");
        var collected = CaCertificates.collect(null, alpha + ":" + beta + ":", List.of());
        assertThat(collected).hasSize(2).allSatisfy(c -> assertThat(c.origin()).isEqualTo("SANDBOX_JOBS_CA_CERTS"));
    }

    @Test
    void aMissingFileIsABadArgumentThatNamesTheFile() {
        Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> CaCertificates.collect(null, null, List.of(missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("cannot be read");
    }

    @Test
    void aFileWithoutACertificateIsABadArgument() {
        Path junk = TestCertificates.copy(dir, "not-a-certificate.crt");
        assertThatThrownBy(() -> CaCertificates.collect(null, null, List.of(junk)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no X.509 certificate");
    }

    @Test
    void aBrokenHostCertificateSaysHowToLeaveHostCertificatesOut() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        TestCertificates.copy(host, "not-a-certificate.crt");
        assertThatThrownBy(() -> CaCertificates.collect(host, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-host-ca");
    }
}
