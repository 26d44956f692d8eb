package dev.sandboxjobs.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.egress.internal.ProxyClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProxyClients#SCRIPT} runs as root in a container whose home may come from a snapshot the
 * sandbox's user wrote: it must not write or chown through symbolic links planted there.
 */
@RequiresDocker
class ProxyClientsScriptTest {
    @TempDir Path dir;

    @Test
    void linksPlantedInTheHomeAreNotFollowedAndAPlainHomeGetsBothFiles() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("proxy-script", SandboxOptions.builder().user("root").build());
            try {
                ExecResult setup = sb.exec("set -e; mkdir -p /home/evil /home/plain /victim; chmod 755 /victim;"
                        + " ln -s /victim /home/evil/.m2; mkdir /home/evil/.gradle;"
                        + " ln -s /victim/gradle.properties /home/evil/.gradle/gradle.properties;"
                        + " echo 'evil:x:4242:4242::/home/evil:/bin/sh' >> /etc/passwd;"
                        + " echo 'plain:x:4343:4343::/home/plain:/bin/sh' >> /etc/passwd");
                assertThat(setup.exitCode()).as(setup.stderr()).isZero();
                for (String user : List.of("evil:4242", "plain:4343")) {
                    ExecResult run = sb.exec(List.of("sh", "-c", ProxyClients.SCRIPT + "\nsj_proxy_clients \"$1\"",
                            "sj-test", user), ExecOptions.builder().env("SJ_PROXY_HOST", "10.1.2.3")
                            .env("SJ_PROXY_PORT", "3128").build());
                    assertThat(run.exitCode()).as(run.stderr()).isZero();
                }
                ExecResult victim = sb.exec("ls -A /victim; stat -c %u /victim");
                assertThat(victim.stdout()).as("nothing written or chowned through the links").isEqualTo("0\n");
                ExecResult plain = sb.exec("stat -c '%n %u' /home/plain/.m2/settings.xml /home/plain/.gradle/gradle.properties"
                        + " && grep -c 10.1.2.3 /home/plain/.m2/settings.xml");
                assertThat(plain.stdout()).isEqualTo("/home/plain/.m2/settings.xml 4343\n"
                        + "/home/plain/.gradle/gradle.properties 4343\n2\n");
            } finally {
                sb.destroy();
            }
        }
    }
}
