package dev.sandboxjobs.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.EgressTestSupport;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A default sandbox, and one with an allowlist, against a server on the host and the real npm
 * registry: what is reachable, what is refused, and how.
 */
@RequiresDocker
class EgressIsolationTest {
    /** NetnsGuard's label (package-private there): the guard's, and the per-sandbox helpers' of earlier versions. */
    private static final String GUARD_LABEL = "dev.sandboxjobs.egress-guard";
    @TempDir static Path dir;
    static SandboxEngine engine;
    static EgressTestSupport.HostServer hostServer;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngines.create(dir);
        hostServer = new EgressTestSupport.HostServer();
    }

    @AfterAll
    static void stop() {
        if (hostServer != null) {
            hostServer.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theFirewallIsInForceAtTheFirstCommandAndOnlyTheSharedGuardInstallsIt() throws Exception {
        // the rules are installed from the guard while the container is prepared; the sandbox is handed over after both
        for (int i = 0; i < 3; i++) {
            Sandbox sb = engine.getSandbox("first-command-" + i);
            try {
                ExecResult first = sb.exec("python3 -c \"import os, socket\n"
                        + "gw = os.environ['HTTP_PROXY'].split('//')[1].split(':')[0]\n"
                        + "c = socket.socket(); c.settimeout(20)\n"
                        + "try:\n    c.connect((gw, " + hostServer.port() + ")); print('CONNECTED')\n"
                        + "except OSError as e:\n    print(type(e).__name__)\n\"");
                assertThat(first.stdout()).as(first.stderr()).contains("ConnectionRefusedError").doesNotContain("CONNECTED");
            } finally {
                sb.destroy();
            }
        }
        try (DockerClient docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client()) {
            // no container per sandbox: the one guard of this Docker engine, running
            var guards = docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(GUARD_LABEL)).exec();
            assertThat(guards).hasSize(1);
            assertThat(guards.get(0).getNames()).containsExactly("/sandbox-jobs-egress-guard");
            assertThat(guards.get(0).getState()).isEqualTo("running");
        }
    }

    @Test
    void aServerOfTheHostOnAllInterfacesIsUnreachableFromADefaultSandbox() throws Exception {
        Sandbox sb = engine.getSandbox("default-sandbox");
        try {
            for (String ip : EgressTestSupport.hostAddresses()) {
                String url = "http://" + ip + ":" + hostServer.port() + "/";
                ExecResult raw = sb.exec("curl -sS --noproxy '*' -m 20 " + url);
                assertThat(raw.exitCode()).as(ip + ": " + raw.stdout() + raw.stderr()).isEqualTo(7);
                assertThat(raw.stderr()).contains("Failed to connect");
                ExecResult proxied = sb.exec("curl -sS -m 20 -i " + url);
                assertThat(proxied.stdout()).as(ip).contains("403").contains("Blocked by the sandbox's egress policy")
                        .contains(ip + ":" + hostServer.port() + " denied")
                        .contains("open internet");
            }
            assertThat(hostServer.authorizations).isEmpty();
            assertThat(sb.egressLog()).isNotEmpty().allSatisfy(e -> assertThat(e.allowed()).isFalse());
        } finally {
            sb.destroy();
        }
    }

    @Test
    void anAllowlistedRegistryServesNpmInstallAndOtherHostsGetThePolicysMessage() throws Exception {
        Sandbox sb = engine.getSandbox("npm-allowlist", SandboxOptions.builder()
                .egress(EgressPolicy.allow("registry.npmjs.org")).build());
        try {
            ExecResult install = sb.exec("mkdir -p /workspace/app && cd /workspace/app && npm init -y >/dev/null"
                    + " && npm install --no-audit --no-fund is-number@7.0.0 && node -e \"console.log(require('is-number')(5))\"");
            assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
            assertThat(install.stdout()).contains("true");

            ExecResult https = sb.exec("curl -sS -m 20 https://example.com/");
            assertThat(https.exitCode()).isEqualTo(56);
            assertThat(https.stderr()).contains("403");
            ExecResult http = sb.exec("curl -sS -m 20 http://example.com/");
            assertThat(http.stdout()).contains("example.com:80 denied: not in the sandbox's egress policy, allowlist [registry.npmjs.org]");

            assertThat(sb.egressLog()).anySatisfy(e -> {
                assertThat(e.target()).isEqualTo("registry.npmjs.org:443");
                assertThat(e.allowed()).isTrue();
                assertThat(e.method()).isEqualTo("CONNECT");
            }).anySatisfy(e -> {
                assertThat(e.target()).isEqualTo("example.com:443");
                assertThat(e.allowed()).isFalse();
                assertThat(e.reason()).contains("allowlist [registry.npmjs.org]");
            });
            // the raw address of the registry, without the proxy: refused at once
            String registry = InetAddress.getByName("registry.npmjs.org").getHostAddress();
            ExecResult raw = sb.exec(List.of("python3", "-c", "import socket\n"
                    + "s = socket.socket(); s.settimeout(20)\n"
                    + "try:\n s.connect(('" + registry + "', 443)); print('connected')\n"
                    + "except OSError as e:\n print(type(e).__name__, e)\n"), ExecOptions.builder().build());
            assertThat(raw.stdout()).contains("ConnectionRefusedError");
        } finally {
            sb.destroy();
        }
    }

    @Test
    void buildToolsThatIgnoreTheProxyVariablesAreGivenTheProxyInTheirSettings() throws Exception {
        for (String user : List.of("1000:1000", "root")) {
            Sandbox sb = engine.getSandbox("proxy-settings-" + user.replace(':', '-'), SandboxOptions.builder()
                    .user(user).egress(EgressPolicy.allow("repo.maven.apache.org:443")).build());
            try {
                String proxy = sb.exec("printf %s \"$HTTPS_PROXY\"").stdout();
                assertThat(proxy).matches("http://[0-9.]+:3128");
                String host = proxy.substring("http://".length(), proxy.lastIndexOf(':'));
                String home = user.equals("root") ? "/root" : "/home/sandbox";
                ExecResult maven = sb.exec("cat ~/.m2/settings.xml && stat -c %U ~/.m2/settings.xml ~/.gradle/gradle.properties");
                assertThat(maven.exitCode()).as(maven.stderr()).isZero();
                assertThat(maven.stdout())
                        .contains("<protocol>https</protocol><host>" + host + "</host><port>3128</port>")
                        .contains("<protocol>http</protocol><host>" + host + "</host><port>3128</port>")
                        .endsWith((user.equals("root") ? "root\nroot\n" : "sandbox\nsandbox\n"));
                assertThat(sb.readFile(home + "/.gradle/gradle.properties").content())
                        .contains("systemProp.https.proxyHost=" + host, "systemProp.https.proxyPort=3128",
                                "systemProp.http.proxyHost=" + host);
                assertThat(sb.exec("printf %s \"$YARN_HTTPS_PROXY\"").stdout()).isEqualTo(proxy);
            } finally {
                sb.destroy();
            }
        }
    }
}
