package dev.sandboxjobs.bench;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.HeaderInjection;
import dev.sandboxjobs.engine.egress.internal.CertificateAuthority;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * 12. Network: what the egress proxy costs. A 10 MiB download from a server on the Docker host,
 * timed by curl inside the container, through the proxy (allowlist, open internet, an HTTPS
 * tunnel, HTTPS read by the proxy to inject a header) against the same download by a container on
 * Docker's default bridge without a proxy (how sandboxes were networked before egress policies);
 * and a cold start with the firewall rules (installed from the guard container) against one with no network. Same run, interleaved.
 */
final class NetworkBench {
    private static final int SIZE = 10 << 20;

    private NetworkBench() {}

    static void run(Main.Config cfg, String image, Path tmp, List<Metric> out) throws Exception {
        String area = "12. network (egress proxy)";
        int n = cfg.quick ? 5 : 20;
        String gateway = bridgeGateway();
        byte[] payload = new byte[SIZE];
        new Random(42).nextBytes(payload);
        HttpHandler serve = exchange -> {
            exchange.sendResponseHeaders(200, payload.length);
            exchange.getResponseBody().write(payload);
            exchange.close();
        };
        HttpServer http = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/", serve);
        http.start();
        Path caDir = Files.createDirectories(tmp.resolve("network-server-ca"));
        HttpsServer https = httpsServer(caDir, gateway, serve);
        int hp = http.getAddress().getPort();
        int sp = https.getAddress().getPort();
        String direct = null;
        try (SandboxEngine engine = SandboxEngine.builder().image(image).dataDirectory(tmp.resolve("engine-network"))
                .egressTrust(caDir.resolve("ca.crt")).build()) {
            String[] rules = {gateway + ":" + hp, gateway + ":" + sp};
            Sandbox allow = sandbox(engine, "allow", EgressPolicy.allow(rules));
            Sandbox open = sandbox(engine, "open", EgressPolicy.builder().open().allow(rules).build());
            Sandbox inspected = sandbox(engine, "inspect", EgressPolicy.builder().allow(rules)
                    .inject(HeaderInjection.bearer(gateway, Secret.of("bench-token"))).build());
            try { // the three sandboxes are destroyed at the end, whatever happens
            direct = Cli.run("docker", "run", "-d", "--label", SandboxBench.LABEL + "=1", "--entrypoint", "sleep", image, "infinity");
            String httpUrl = "http://" + gateway + ":" + hp + "/10m";
            String httpsUrl = "https://" + gateway + ":" + sp + "/10m";
            List<Double> dHttp = new ArrayList<>();
            List<Double> dHttps = new ArrayList<>();
            List<Double> aHttp = new ArrayList<>();
            List<Double> oHttp = new ArrayList<>();
            List<Double> aHttps = new ArrayList<>();
            List<Double> iHttps = new ArrayList<>();
            for (int i = -1; i < n; i++) { // i == -1: warm-up round, not recorded
                double a = curl(allow, httpUrl, false);
                double o = curl(open, httpUrl, false);
                double d = curlDirect(direct, httpUrl);
                double as = curl(allow, httpsUrl, true);
                double is = curl(inspected, httpsUrl, false);
                double ds = curlDirect(direct, httpsUrl);
                if (i >= 0) {
                    aHttp.add(a);
                    oHttp.add(o);
                    dHttp.add(d);
                    aHttps.add(as);
                    iHttps.add(is);
                    dHttps.add(ds);
                }
            }
            String peer = "no proxy (container on Docker's bridge)";
            double dh = new Stats(dHttp).p(0.5);
            double ds = new Stats(dHttps).p(0.5);
            String how = "curl's time_total inside the container, from a server on the Docker host (" + gateway + ")";
            out.add(Metric.of(area, "10 MiB over HTTP, allowlist, p50 (n=" + n + ")", new Stats(aHttp).p(0.5), "ms")
                    .vs(peer, dh, false).note(how + "; a ratio below 1 is the proxy's cost"));
            out.add(Metric.of(area, "10 MiB over HTTP, open internet (+ the host named), p50 (n=" + n + ")",
                    new Stats(oHttp).p(0.5), "ms").vs(peer, dh, false));
            out.add(Metric.of(area, "10 MiB over HTTPS, allowlist (CONNECT tunnel), p50 (n=" + n + ")",
                    new Stats(aHttps).p(0.5), "ms").vs(peer, ds, false));
            out.add(Metric.of(area, "10 MiB over HTTPS read by the proxy (header injected), p50 (n=" + n + ")",
                    new Stats(iHttps).p(0.5), "ms").vs(peer, ds, false)
                    .note("TLS terminated with the engine's CA and opened again to the server"));

            List<Double> proxied = new ArrayList<>();
            List<Double> none = new ArrayList<>();
            for (int i = -1; i < n; i++) {
                proxied.add(i < 0 ? null : cold(engine, EgressPolicy.open()));
                none.add(i < 0 ? null : cold(engine, EgressPolicy.none()));
            }
            proxied.removeIf(x -> x == null);
            none.removeIf(x -> x == null);
            out.add(Metric.of(area, "cold start, open internet (network + firewall rules), p50 (n=" + n + ")",
                    new Stats(proxied).p(0.5), "ms").vs("no network (EgressPolicy.none())", new Stats(none).p(0.5), false)
                    .note("getSandbox + exec(\"true\"); the difference is the network attachment and the rules, installed by one exec in the guard container"));
            } finally {
                allow.destroy();
                open.destroy();
                inspected.destroy();
            }
        } finally {
            if (direct != null) {
                Cli.run("docker", "rm", "-f", direct);
            }
            http.stop(0);
            https.stop(0);
        }
    }

    /**
     * The address of Docker's default bridge on this host, where the bench's servers listen for the
     * sandboxes: from the network's IPAM settings, or (Docker 20.10 leaves the gateway out there for
     * the default bridge) from the host's docker0 interface.
     */
    private static String bridgeGateway() throws IOException {
        String gateway = Cli.run("docker", "network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}")
                .strip();
        if (!gateway.isEmpty()) {
            return gateway;
        }
        NetworkInterface docker0 = NetworkInterface.getByName("docker0");
        if (docker0 != null) {
            for (InetAddress a : Collections.list(docker0.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        throw new IOException("Cannot find the address of Docker's default bridge (no IPAM gateway, no docker0)");
    }

    private static Sandbox sandbox(SandboxEngine engine, String name, EgressPolicy policy) {
        Sandbox sb = engine.getSandbox("bench-net-" + name + "-" + ProcessHandle.current().pid(), SandboxOptions.builder()
                .egress(policy).label(SandboxBench.LABEL, "1").build());
        sb.exec("true");
        return sb;
    }

    private static double cold(SandboxEngine engine, EgressPolicy policy) {
        long t0 = System.nanoTime();
        Sandbox sb = engine.getSandbox("bench-net-cold-" + System.nanoTime(), SandboxOptions.builder().egress(policy)
                .label(SandboxBench.LABEL, "1").build());
        ExecResult r = sb.exec("true");
        double ms = Stats.ms(System.nanoTime() - t0);
        sb.destroy();
        if (!r.success()) {
            throw new IllegalStateException("exec failed: " + r.stderr());
        }
        return ms;
    }

    private static double curl(Sandbox sb, String url, boolean insecure) {
        ExecResult r = sb.exec("curl -sS " + (insecure ? "-k " : "") + "-o /dev/null -w '%{http_code} %{size_download} %{time_total}' " + url);
        return parse(r.stdout(), r.stderr());
    }

    private static double curlDirect(String container, String url) {
        return parse(Cli.run("docker", "exec", container, "curl", "-sS", "-k", "--noproxy", "*", "-o", "/dev/null", "-w",
                "%{http_code} %{size_download} %{time_total}", url), "");
    }

    private static double parse(String out, String err) {
        String[] p = out.trim().split(" ");
        if (p.length != 3 || !p[0].equals("200") || Long.parseLong(p[1]) != SIZE) {
            throw new IllegalStateException("download failed: " + out + " " + err);
        }
        return Double.parseDouble(p[2]) * 1000;
    }

    private static HttpsServer httpsServer(Path caDir, String address, HttpHandler handler) throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(caDir);
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
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
