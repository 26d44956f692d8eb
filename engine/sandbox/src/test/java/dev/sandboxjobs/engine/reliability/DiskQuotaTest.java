package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing until the sandbox's disk quota. Docker enforces {@code SandboxOptions.diskBytes} only
 * with some storage drivers (overlay2 on xfs with pquota, btrfs, zfs, devicemapper). Where it
 * does, writing past the limit fails inside the sandbox and the sandbox stays usable; where it
 * does not (overlay2 on ext4, as on the development machine and CI), asking for a limit is
 * {@link ErrorCode#DISK_LIMIT_UNSUPPORTED}, leaves nothing behind, and sandboxes without a limit work.
 */
@RequiresDocker
@Tag("reliability")
class DiskQuotaTest {
    @TempDir
    Path dir;

    @Test
    void writingUntilTheDiskLimitFailsCleanlyOrTheLimitIsRefusedAsUnsupportedByTheStorageDriver() throws Exception {
        boolean enforced = driverEnforcesSize();
        try (SandboxEngine engine = TestEngines.create(dir)) {
            SandboxOptions limited = SandboxOptions.builder().diskBytes(64L << 20).build();
            if (enforced) {
                Sandbox sb = engine.getSandbox("quota", limited);
                try {
                    ExecResult fill = sb.exec("dd if=/dev/zero of=/tmp/fill bs=1M count=256");
                    System.out.println("RELIABILITY disk quota enforced: " + fill);
                    assertThat(fill.exitCode()).isNotZero();
                    assertThat(fill.stderr()).contains("No space left on device");
                    assertThat(sb.exec("rm -f /tmp/fill && echo ok").stdout()).isEqualTo("ok\n");
                } finally {
                    sb.destroy();
                }
            } else {
                assertThatThrownBy(() -> engine.getSandbox("quota", limited))
                        .isInstanceOfSatisfying(SandboxException.class, e -> {
                            System.out.println("RELIABILITY disk quota unsupported: " + e.code() + ": " + e.getMessage());
                            assertThat(e.code()).isEqualTo(ErrorCode.DISK_LIMIT_UNSUPPORTED);
                            assertThat(e.getMessage()).contains("storage driver").contains("diskBytes");
                        });
                assertThat(engine.listSandboxes()).as("the refused sandbox left no record").isEmpty();
                assertThat(engine.findSandbox("quota")).isEmpty();
            }
            Sandbox plain = engine.getSandbox("no-quota");
            try {
                assertThat(plain.exec("echo fine").stdout()).isEqualTo("fine\n");
            } finally {
                plain.destroy();
            }
        }
        assertThatThrownBy(() -> SandboxOptions.builder().diskBytes(1024).build())
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    /** Whether this Docker's storage driver can limit a container's size: asks Docker itself. */
    private static boolean driverEnforcesSize() throws Exception {
        Process p = new ProcessBuilder(List.of("docker", "create", "--storage-opt", "size=64M", "--label",
                "dev.sandboxjobs.owner=sdk-tests", "sandbox-jobs/debian-base:trixie", "true"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() == 0) {
            new ProcessBuilder("docker", "rm", "-f", out).start().waitFor(60, TimeUnit.SECONDS);
            return true;
        }
        System.out.println("RELIABILITY docker create --storage-opt size=64M: " + out);
        return false;
    }
}
