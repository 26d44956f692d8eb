package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.setup.internal.DockerPlan.Action;
import org.junit.jupiter.api.Test;

class DockerPlanTest {
    private static final OsRelease DEBIAN = OsRelease.parse("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"");
    private static final OsRelease UBUNTU = OsRelease.parse("ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"");
    private static final OsRelease FEDORA = OsRelease.parse("ID=fedora\nPRETTY_NAME=\"Fedora Linux 40\"");
    private static final String REFUSED = "No such file or directory";

    private static DockerPlan.Facts local(OsRelease os, boolean root, boolean dockerdInstalled) {
        return new DockerPlan.Facts(DockerClients.DEFAULT_HOST, true, REFUSED, os, root, dockerdInstalled, true);
    }

    @Test
    void rootOnDebianWithoutDockerInstallsAndStartsIt() {
        DockerPlan plan = DockerPlan.decide(local(DEBIAN, true, false));
        assertThat(plan.action()).isEqualTo(Action.INSTALL_AND_START);
        assertThat(plan.message()).contains("docker.io").contains("Debian GNU/Linux 12");
    }

    @Test
    void rootOnUbuntuWithoutDockerInstallsAndStartsIt() {
        assertThat(DockerPlan.decide(local(UBUNTU, true, false)).action()).isEqualTo(Action.INSTALL_AND_START);
    }

    @Test
    void rootWithAnInstalledButStoppedDockerStartsTheDaemon() {
        assertThat(DockerPlan.decide(local(DEBIAN, true, true)).action()).isEqualTo(Action.START_DAEMON);
        assertThat(DockerPlan.decide(local(FEDORA, true, true)).action()).isEqualTo(Action.START_DAEMON);
    }

    @Test
    void aNonRootUserIsToldToRunSetupWithSudo() {
        DockerPlan plan = DockerPlan.decide(local(DEBIAN, false, false));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("sudo ./sandbox-jobs setup").contains("apt-get install docker.io");
    }

    @Test
    void aNonRootUserWithAStoppedDockerIsToldHowToStartIt() {
        DockerPlan plan = DockerPlan.decide(local(DEBIAN, false, true));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("not running").contains("systemctl start docker").contains(REFUSED);
    }

    @Test
    void anotherDistributionIsToldToInstallDockerItself() {
        DockerPlan plan = DockerPlan.decide(local(FEDORA, true, false));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("only on Debian and Ubuntu").contains("Fedora Linux 40")
                .contains("https://docs.docker.com/engine/install/");
    }

    @Test
    void anUnknownDistributionIsNotInstalledOn() {
        DockerPlan plan = DockerPlan.decide(local(null, true, false));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("no /etc/os-release");
    }

    @Test
    void aRemoteOrExplicitHostIsNeverInstalledOn() {
        DockerPlan plan = DockerPlan.decide(new DockerPlan.Facts("tcp://build-box:2375", false, "Connection refused",
                DEBIAN, true, false, true));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("tcp://build-box:2375").contains("Connection refused").contains("DOCKER_HOST");
    }

    @Test
    void aPermissionProblemPointsAtTheDockerGroup() {
        DockerPlan plan = DockerPlan.decide(new DockerPlan.Facts(DockerClients.DEFAULT_HOST, true,
                "Permission denied", DEBIAN, false, true, true));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("docker group").contains("usermod");
    }

    @Test
    void installingCanBeTurnedOff() {
        DockerPlan plan = DockerPlan.decide(new DockerPlan.Facts(DockerClients.DEFAULT_HOST, true, REFUSED,
                DEBIAN, true, false, false));
        assertThat(plan.action()).isEqualTo(Action.FAIL);
        assertThat(plan.message()).contains("apt-get install -y docker.io");
    }
}
