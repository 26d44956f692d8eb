package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptMirrorTest {
    @Test
    void findsTheSuitesMirrorInDeb822Sources(@TempDir Path apt) throws Exception {
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(apt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                URIs: http://mirror.example/debian/
                Suites: bookworm bookworm-updates
                Components: main

                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main
                """);
        assertThat(AptMirror.forSuite("bookworm", apt)).isEqualTo("http://mirror.example/debian");
    }

    @Test
    void skipsADisabledDeb822StanzaAndReadsPastCommentLines(@TempDir Path apt) throws Exception {
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(apt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                URIs: http://disabled.example/debian
                Suites: bookworm
                Components: main
                Enabled: no

                Types: deb
                # http://snapshot.debian.org/archive/debian/20250520T000000Z
                URIs: http://deb.debian.org/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """);
        assertThat(AptMirror.forSuite("bookworm", apt)).isEqualTo("http://deb.debian.org/debian");
    }

    @Test
    void findsTheSuitesMirrorInOneLineSourcesWithOptions(@TempDir Path apt) throws Exception {
        Files.writeString(apt.resolve("sources.list"), """
                # deb http://old.example/debian bookworm main
                deb-src http://src.example/debian bookworm main
                deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://local.example/debian bookworm main
                """);
        assertThat(AptMirror.forSuite("bookworm", apt)).isEqualTo("http://local.example/debian");
    }

    @Test
    void fallsBackToDebiansMirrorWhenTheHostHasNoneForTheSuite(@TempDir Path apt) throws Exception {
        Files.writeString(apt.resolve("sources.list"), "deb http://archive.ubuntu.com/ubuntu noble main\n");
        assertThat(AptMirror.forSuite("bookworm", apt)).isEqualTo(AptMirror.DEFAULT);
        assertThat(AptMirror.forSuite("bookworm", apt.resolve("missing"))).isEqualTo(AptMirror.DEFAULT);
    }
}
