package dev.sandboxjobs.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.egress.internal.CertificateAuthority;
import dev.sandboxjobs.engine.testing.EgressTestSupport;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret bound to a host by the policy: the proxy adds it to requests for that host, over HTTP
 * and over HTTPS (reading the tunnel with the engine's CA), and it is found nowhere else: not in
 * the sandbox's environment, files or processes, not for another host, not in the engine's files.
 */
@RequiresDocker
class EgressSecretInjectionTest {
    static final String SECRET = "sj-secret-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    @TempDir static Path dir;
    @TempDir static Path serverCa;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static EgressTestSupport.HostServer http;
    static HttpsServer https;
    static final List<String> httpsAuthorizations = new CopyOnWriteArrayList<>();
    static String lan;
    static String other;

    @BeforeAll
    static void start() throws Exception {
        lan = EgressTestSupport.lanAddress();
        other = EgressTestSupport.hostAddresses().stream().filter(a -> !a.equals(lan)).findFirst().orElseThrow();
        http = new EgressTestSupport.HostServer();
        https = httpsServer(lan);
        engine = TestEngines.builder(dir).egressTrust(serverCa.resolve("ca.crt")).build();
        EgressPolicy policy = EgressPolicy.builder()
                .allow(lan + ":" + http.port(), lan + ":" + https.getAddress().getPort(), other + ":" + http.port())
                .inject(HeaderInjection.bearer(lan, Secret.of(SECRET)))
                .build();
        sandbox = engine.getSandbox("secret-holder", SandboxOptions.builder().egress(policy).user("root").build());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.close();
        }
        if (http != null) {
            http.close();
        }
        if (https != null) {
            https.stop(0);
        }
    }

    @Test
    void anHttpRequestToTheBoundHostCarriesTheSecretAddedByTheProxy() {
        ExecResult r = sandbox.exec("curl -sS -m 30 -H 'Authorization: Bearer made-up-by-the-sandbox' http://" + lan
                + ":" + http.port() + "/");
        assertThat(r.stdout()).as(r.stderr()).contains("host-secret-page");
        assertThat(http.authorizations).last().isEqualTo("Bearer " + SECRET);
    }

    @Test
    void anHttpsRequestIsReadByTheProxyWithTheEnginesCaAndCarriesTheSecret() {
        ExecResult r = sandbox.exec("curl -sS -v -m 30 https://" + lan + ":" + https.getAddress().getPort() + "/ 2>&1");
        assertThat(r.stdout()).contains("host-secret-page").contains("issuer: CN=Sandbox Jobs egress CA");
        assertThat(httpsAuthorizations).last().isEqualTo("Bearer " + SECRET);
        assertThat(sandbox.egressLog()).anySatisfy(e -> {
            assertThat(e.method()).isEqualTo("CONNECT");
            assertThat(e.host()).isEqualTo(lan);
            assertThat(e.injectedHeaders()).containsExactly("Authorization");
        });
    }

    @Test
    void anotherAllowedHostGetsNoSecret() {
        ExecResult r = sandbox.exec("curl -sS -m 30 http://" + other + ":" + http.port() + "/");
        assertThat(r.stdout()).contains("host-secret-page");
        assertThat(http.hosts).last().asString().startsWith(other);
        assertThat(http.authorizations).last().isEqualTo("");
    }

    @Test
    void theSecretIsNowhereInTheSandbox() {
        anHttpRequestToTheBoundHostCarriesTheSecretAddedByTheProxy();
        anHttpsRequestIsReadByTheProxyWithTheEnginesCaAndCarriesTheSecret();
        assertThat(sandbox.exec("env").stdout()).doesNotContain(SECRET);
        ExecResult processes = sandbox.exec("ps auxeww; cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n'");
        assertThat(processes.stdout()).isNotBlank().doesNotContain(SECRET);
        // every file of the sandbox, searched with a pattern that matches the secret without being it
        String pattern = SECRET.replace("sj-secret-", "sj-secre[t]-");
        ExecResult files = sandbox.exec(List.of("grep", "-rlsE", "--exclude-dir=proc", "--exclude-dir=sys",
                "--exclude-dir=dev", "-e", pattern, "/"), ExecOptions.builder().timeout(Duration.ofMinutes(10)).build());
        assertThat(files.exitCode()).as(files.stdout()).isEqualTo(1);
        assertThat(files.stdout()).isEmpty();
    }

    @Test
    void theSecretIsNowhereInTheEnginesFilesOrLog() throws IOException {
        anHttpRequestToTheBoundHostCarriesTheSecretAddedByTheProxy();
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(f), needle)).as(f.toString()).isEqualTo(-1);
            }
        }
        assertThat(sandbox.egressLog()).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain(SECRET));
        assertThat(sandbox.egressPolicy().toString()).doesNotContain(SECRET);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static HttpsServer httpsServer(String address) throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(serverCa);
        CertificateAuthority.Leaf leaf = ca.leafFor(address);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", leaf.key(), new char[0], leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, new SecureRandom());
        HttpsServer server = HttpsServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            httpsAuthorizations.add(auth == null ? "" : auth);
            byte[] body = "host-secret-page\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
