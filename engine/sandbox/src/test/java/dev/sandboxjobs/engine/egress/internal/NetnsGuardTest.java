package dev.sandboxjobs.engine.egress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard container that installs proxied sandboxes' firewall rules: it writes only into a
 * namespace that holds the sandbox's address, and a guard removed or stopped from outside is made
 * or started again by the next sandbox.
 */
@RequiresDocker
class NetnsGuardTest {
    @TempDir static Path dir;
    static DockerClient docker;
    static SandboxEngine engine;

    @BeforeAll
    static void start() {
        docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
        engine = TestEngines.create(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void rulesGoOnlyIntoANamespaceThatHoldsTheAddressTheyAreFor() {
        // a container without network: its namespace holds 127.0.0.1 and nothing else
        String other = docker.createContainerCmd(TestImages.runtime()).withEntrypoint("sleep", "infinity")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        try {
            docker.startContainerCmd(other).exec();
            long pid = docker.inspectContainerCmd(other).exec().getState().getPidLong();
            NetnsGuard guard = new NetnsGuard(docker, TestImages.runtime(), "netns-guard-test");

            // as if the sandbox's process id had been taken by this container's process meanwhile
            assertThatThrownBy(() -> guard.install(pid, "10.99.0.7", "10.99.0.1", 4000))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exit 3")
                    .hasMessageContaining("does not hold 10.99.0.7");
            assertThat(rules(pid)).contains("-P OUTPUT ACCEPT").doesNotContain("REJECT");

            guard.install(pid, "127.0.0.1", "10.99.0.1", 4000);
            assertThat(rules(pid)).contains("-P OUTPUT DROP")
                    .contains("-A OUTPUT -d 10.99.0.1/32 -p tcp -m tcp --dport 4000 -j ACCEPT")
                    .contains("-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset");
        } finally {
            docker.removeContainerCmd(other).withForce(true).exec();
        }
    }

    @Test
    void aGuardRemovedOrStoppedFromOutsideIsMadeOrStartedAgain() throws Exception {
        assertFirewalled(engine.getSandbox("before"));
        String first = docker.inspectContainerCmd(NetnsGuard.NAME).exec().getId();

        docker.removeContainerCmd(NetnsGuard.NAME).withForce(true).exec();
        assertFirewalled(engine.getSandbox("after-removal"));
        var again = docker.inspectContainerCmd(NetnsGuard.NAME).exec();
        assertThat(again.getId()).isNotEqualTo(first);
        assertThat(again.getState().getRunning()).isTrue();
        assertThat(again.getHostConfig().getPidMode()).isEqualTo("host");
        assertThat(again.getHostConfig().getNetworkMode()).isEqualTo("none");

        docker.stopContainerCmd(NetnsGuard.NAME).withTimeout(0).exec();
        assertFirewalled(engine.getSandbox("after-stop"));
        assertThat(docker.inspectContainerCmd(NetnsGuard.NAME).exec().getState().getRunning()).isTrue();
    }

    private static void assertFirewalled(Sandbox sb) {
        try {
            ExecResult r = sb.exec("curl -sS --noproxy '*' -m 20 http://1.1.1.1/");
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(7);
            assertThat(r.stderr()).contains("Failed to connect");
        } finally {
            sb.destroy();
        }
    }

    /** The filter table's OUTPUT rules of a namespace, read from the guard. */
    private static String rules(long pid) {
        String exec = docker.execCreateCmd(NetnsGuard.NAME).withUser("0:0").withAttachStdout(true).withAttachStderr(true)
                .withCmd("nsenter", "--net=/proc/" + pid + "/ns/net", "--", "iptables", "-w", "-S", "OUTPUT").exec().getId();
        StringBuilder out = new StringBuilder();
        try {
            docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                    out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
