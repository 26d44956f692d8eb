package dev.sandboxjobs.engine.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** Servers on the host for egress tests (of the SDK and of the job engine), and the host's addresses. */
public final class EgressTestSupport {
    private EgressTestSupport() {}

    /** A server on 0.0.0.0 answering 200 "host-secret-page" and remembering each request's headers. */
    public static final class HostServer implements AutoCloseable {
        public final HttpServer server;
        public final List<String> authorizations = new CopyOnWriteArrayList<>();
        public final List<String> hosts = new CopyOnWriteArrayList<>();

        public HostServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                authorizations.add(auth == null ? "" : auth);
                hosts.add(String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
                byte[] body = "host-secret-page\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        public int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Every IPv4 address of this machine but loopback: the Docker bridges' gateways and the LAN address. */
    public static List<String> hostAddresses() throws IOException {
        List<String> all = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    all.add(a.getHostAddress());
                }
            }
        }
        return all;
    }

    /** The machine's address on its main interface (not a Docker bridge). */
    public static String lanAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.getName().startsWith("docker") || ni.getName().startsWith("br-") || ni.getName().startsWith("veth")
                    || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        return hostAddresses().get(0);
    }
}
