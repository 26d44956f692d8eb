package dev.sandboxjobs.jobs.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.toolchain.internal.Versions;
import org.junit.jupiter.api.Test;

class VersionsTest {
    @Test
    void npmRanges() {
        assertThat(Versions.npmSatisfies("24.22.3", ">=20")).contains(true);
        assertThat(Versions.npmSatisfies("24.22.3", "^20.19.0 || >=22.12.0")).contains(true);
        assertThat(Versions.npmSatisfies("24.22.3", "18")).contains(false);
        assertThat(Versions.npmSatisfies("24.22.3", "18.x")).contains(false);
        assertThat(Versions.npmSatisfies("24.22.3", "24")).contains(true);
    }

    @Test
    void mavenRequirements() {
        assertThat(Versions.mavenSatisfies("3.9.16", "[3.9,)")).contains(true);
        assertThat(Versions.mavenSatisfies("3.8.7", "[3.9,)")).contains(false);
        assertThat(Versions.mavenSatisfies("3.9.16", "3.6.3")).contains(true);
        assertThat(Versions.mavenSatisfies("3.9.16", "[4.0.0-rc-4,)")).contains(false);
    }

    @Test
    void versionsAsToolsPrintThem() {
        assertThat(Versions.firstVersion("go version go1.27.4 linux/amd64")).contains("1.27.4");
        assertThat(Versions.firstVersion("Apache Maven 4.0.0-rc-4 (bed0f8174bf728978f86fac533aa38a9511f3872)")).contains("4.0.0-rc-4");
        assertThat(Versions.firstVersion("openjdk version \"21.0.13\" 2026-10-20")).contains("21.0.13");
        assertThat(Versions.firstVersion("v24.22.3")).contains("24.22.3");
        assertThat(Versions.firstVersion("rustc 1.98.1 (abc 2026-08-05) (built from a source tarball)")).contains("1.98.1");
    }

    @Test
    void pythonSpecifiers() {
        assertThat(Versions.pythonSatisfies("3.13.5", ">=3.9, <4")).contains(true);
        assertThat(Versions.pythonSatisfies("3.13.5", "~=3.10")).contains(true);
        assertThat(Versions.pythonSatisfies("3.13.5", "==3.11.*")).contains(false);
        assertThat(Versions.pythonSatisfies("3.13.5", "<3.13")).contains(false);
        assertThat(Versions.pythonSatisfies("3.13.5", "3.13")).contains(true);
        assertThat(Versions.pythonSatisfies("3.13.5", "3.12")).contains(false);
        assertThat(Versions.pythonSatisfies("3.13.5", "latest")).isEmpty();
    }
}
