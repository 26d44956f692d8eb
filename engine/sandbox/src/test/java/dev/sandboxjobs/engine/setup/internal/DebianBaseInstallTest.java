package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What making the offline base does before it needs Docker: who may run it, and installing debootstrap. */
class DebianBaseInstallTest {
    @Test
    void makingTheBaseAsNonRootSaysToRunSetupWithSudo() {
        FakeHost host = new FakeHost();
        host.root = false;

        assertThatThrownBy(() -> new DebianBase(host, null, line -> { }).make())
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_MISSING))
                .hasMessageContaining("sudo ./sandbox-jobs setup");
        assertThat(host.ran).isEmpty();
    }

    @Test
    void aMissingDebootstrapIsInstalledWithAptAndEachCommandIsShownBeforeItRuns() {
        FakeHost host = new FakeHost();
        host.exitCodes.put(String.join(" ", AptGet.argv("install", "-y", "debootstrap", "debian-archive-keyring")), 100);
        List<String> progress = new ArrayList<>();

        assertThatThrownBy(() -> new DebianBase(host, null, progress::add).make())
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("apt-get exit code 100")
                .hasMessageContaining("apt-get install debootstrap");
        assertThat(host.ran).containsExactly(AptGet.argv("update"),
                AptGet.argv("install", "-y", "debootstrap", "debian-archive-keyring"));
        assertThat(progress).containsSubsequence("debootstrap is missing: installing it with apt-get",
                "$ " + String.join(" ", AptGet.argv("update")),
                "$ " + String.join(" ", AptGet.argv("install", "-y", "debootstrap", "debian-archive-keyring")));
    }

    @Test
    void aFailedAptUpdateStopsBeforeInstalling() {
        FakeHost host = new FakeHost();
        host.exitCodes.put(String.join(" ", AptGet.argv("update")), 100);

        assertThatThrownBy(() -> new DebianBase(host, null, line -> { }).make())
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("apt-get exit code 100");
        assertThat(host.ran).containsExactly(AptGet.argv("update"));
    }
}
