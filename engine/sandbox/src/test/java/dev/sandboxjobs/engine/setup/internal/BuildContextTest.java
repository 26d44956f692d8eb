package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
    private static final String BASE = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    @TempDir
    Path dir;

    @Test
    void theBundledContextHoldsTheDockerfileTheHelpersAndTheCaFolder() {
        BuildContext context = BuildContext.bundled(List.of());
        assertThat(context.entries()).containsKeys("Dockerfile", "helpers/bin/trust-ca", "ca-certificates/README.md");
        assertThat(context.entries().get("helpers/bin/trust-ca").mode()).isEqualTo(0755);
        assertThat(context.entries().get("Dockerfile").mode()).isEqualTo(0644);
        assertThat(new String(context.entries().get("Dockerfile").content(), StandardCharsets.UTF_8))
                .contains("ARG BASE_IMAGE=debian:trixie-slim").contains("WORKDIR /workspace").contains("MPLBACKEND=Agg");
    }

    @Test
    void caCertificatesBecomeFilesOfTheCaFolder() {
        var alpha = CaCertificates.read(TestCertificates.write(dir, "alpha"), "--ca-cert");
        BuildContext context = BuildContext.bundled(alpha);
        assertThat(context.entries()).containsKey("ca-certificates/" + alpha.get(0).fileName());
    }

    @Test
    void theSameInputsGiveTheSameTag() {
        var certificates = CaCertificates.collect(null, null, List.of(TestCertificates.write(dir, "alpha")));
        String one = RuntimeImageBuilder.tagFor("sandbox-jobs/runtime", "1.0", BuildContext.bundled(certificates), BASE);
        String two = RuntimeImageBuilder.tagFor("sandbox-jobs/runtime", "1.0", BuildContext.bundled(certificates), BASE);
        assertThat(one).isEqualTo(two).matches("sandbox-jobs/runtime:1\\.0-[0-9a-f]{12}");
    }

    @Test
    void anyChangedInputGivesAnotherHash() {
        BuildContext bundled = BuildContext.bundled(List.of());
        String original = bundled.hash(BASE);

        assertThat(bundled.hash(BASE.replace('1', '2'))).as("another base image").isNotEqualTo(original);
        assertThat(withEntry(bundled, "Dockerfile", "FROM scratch\n").hash(BASE)).as("another Dockerfile").isNotEqualTo(original);
        assertThat(withEntry(bundled, "helpers/bin/trust-ca", "#!/bin/sh\necho changed\n").hash(BASE))
                .as("a changed helper").isNotEqualTo(original);
        assertThat(withEntry(bundled, "helpers/executors/python.py", "print(1)\n").hash(BASE))
                .as("a new helper").isNotEqualTo(original);
        var alpha = CaCertificates.read(TestCertificates.write(dir, "alpha"), "--ca-cert");
        assertThat(BuildContext.bundled(alpha).hash(BASE)).as("a CA certificate").isNotEqualTo(original);
    }

    @Test
    void theExecutableBitIsPartOfTheHash() {
        BuildContext plain = BuildContext.of(List.of(new BuildContext.Entry("run", "echo hi\n".getBytes(StandardCharsets.UTF_8))));
        BuildContext script = BuildContext.of(List.of(new BuildContext.Entry("run", "#!echo hi\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(plain.entries().get("run").mode()).isEqualTo(0644);
        assertThat(script.entries().get("run").mode()).isEqualTo(0755);
        assertThat(plain.hash(BASE)).isNotEqualTo(script.hash(BASE));
    }

    @Test
    void theTarHoldsEveryEntryWithItsModeAndFixedTimes() throws Exception {
        BuildContext context = BuildContext.bundled(List.of());
        byte[] tar = context.toTar();
        assertThat(context.toTar()).as("reproducible").isEqualTo(tar);
        Map<String, TarArchiveEntry> seen = new HashMap<>();
        Map<String, byte[]> contents = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                seen.put(entry.getName(), entry);
                contents.put(entry.getName(), in.readAllBytes());
            }
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(context.entries().keySet());
        assertThat(seen.get("helpers/bin/trust-ca").getMode() & 0777).isEqualTo(0755);
        assertThat(seen.get("Dockerfile").getModTime().getTime()).isZero();
        assertThat(contents.get("Dockerfile")).isEqualTo(context.entries().get("Dockerfile").content());
    }

    private static BuildContext withEntry(BuildContext context, String path, String content) {
        List<BuildContext.Entry> entries = new ArrayList<>(context.entries().values());
        entries.removeIf(e -> e.path().equals(path));
        entries.add(new BuildContext.Entry(path, content.getBytes(StandardCharsets.UTF_8)));
        return BuildContext.of(entries);
    }
}
