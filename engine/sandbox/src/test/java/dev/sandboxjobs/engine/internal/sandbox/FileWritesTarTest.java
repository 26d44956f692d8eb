package dev.sandboxjobs.engine.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * The one-entry archive a file write sends Docker (its header by commons-compress, its content
 * written straight through): read back by commons-compress's own reader. The real extraction by
 * Docker is proved by the file tests against a real engine (SandboxFilesTest and others).
 */
class FileWritesTarTest {
    @Test
    void everySizeAroundARecordBoundaryReadsBackWhole() throws IOException {
        for (int size : new int[] {0, 1, 511, 512, 513, 1024, (1 << 20) + 3, 3 << 20}) {
            byte[] content = randomBytes(size);
            byte[] tar = write("data.bin", content, new int[] {1000, 1001});
            assertThat(tar.length % 512).as("size %d", size).isZero();
            // the two zero records that end an archive
            assertThat(Arrays.copyOfRange(tar, tar.length - 1024, tar.length)).containsOnly(0);
            try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
                TarArchiveEntry e = in.getNextEntry();
                assertThat(e.getName()).isEqualTo("data.bin");
                assertThat(e.getSize()).isEqualTo(size);
                assertThat(e.getLongUserId()).isEqualTo(1000);
                assertThat(e.getLongGroupId()).isEqualTo(1001);
                assertThat(e.getMode() & 07777).isEqualTo(0644);
                assertThat(e.isFile()).isTrue();
                assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(content);
                assertThat(in.getNextEntry()).isNull();
            }
        }
    }

    @Test
    void aNameLongerThanTheHeaderHoldsGoesInAPaxHeader() throws IOException {
        String name = "n".repeat(200) + ".txt";
        byte[] tar = write(name, "hello".getBytes(), new int[] {0, 0});
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo(name);
            assertThat(new String(in.readAllBytes())).isEqualTo("hello");
        }
    }

    @Test
    void aStreamShorterThanItsDeclaredSizeFailsAsContent() {
        assertThatThrownBy(() -> FileWrites.writeTar(new ByteArrayOutputStream(), "f", new ByteArrayInputStream(new byte[10]),
                20, new int[] {0, 0}))
                .hasMessageContaining("the stream ended after 10 of 20 bytes");
    }

    private static byte[] write(String name, byte[] content, int[] ids) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileWrites.writeTar(out, name, new ByteArrayInputStream(content), content.length, ids);
        return out.toByteArray();
    }

    private static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
