package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OsReleaseTest {
    @Test
    void parsesQuotedAndUnquotedValuesAndSkipsComments() {
        OsRelease os = OsRelease.parse("""
                # a comment
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME='Debian GNU/Linux'
                ID=debian
                VERSION_CODENAME=bookworm

                HOME_URL="https://www.debian.org/"
                """);
        assertThat(os.id()).isEqualTo("debian");
        assertThat(os.prettyName()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(os.fields()).containsEntry("NAME", "Debian GNU/Linux").containsEntry("VERSION_CODENAME", "bookworm");
    }

    @Test
    void debianUbuntuAndTheirDerivativesAreTheDebianFamily() {
        assertThat(OsRelease.parse("ID=debian").isDebianFamily()).isTrue();
        assertThat(OsRelease.parse("ID=ubuntu\nID_LIKE=debian").isDebianFamily()).isTrue();
        assertThat(OsRelease.parse("ID=linuxmint\nID_LIKE=\"ubuntu debian\"").isDebianFamily()).isTrue();
        assertThat(OsRelease.parse("ID=\"Pop\"\nID_LIKE=\"ubuntu\"").isDebianFamily()).isTrue();
    }

    @Test
    void otherDistributionsAreNotTheDebianFamily() {
        assertThat(OsRelease.parse("ID=fedora").isDebianFamily()).isFalse();
        assertThat(OsRelease.parse("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"").isDebianFamily()).isFalse();
        assertThat(OsRelease.parse("ID=alpine").isDebianFamily()).isFalse();
        assertThat(OsRelease.parse("").isDebianFamily()).isFalse();
    }

    @Test
    void aMissingFileReadsAsEmpty() {
        assertThat(OsRelease.read(Path.of("/no/such/os-release"))).isEmpty();
    }
}
