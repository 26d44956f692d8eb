package dev.sandboxjobs.engine.egress.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP proxy the engine's host itself must use to reach the internet (a corporate proxy), to
 * which the egress proxy chains: tunnels become a CONNECT to it, forwarded requests go through
 * it. {@code noProxy} lists hosts reached directly ({@code NO_PROXY} syntax: names, {@code .suffix}
 * or {@code *}).
 */
public record UpstreamProxy(String host, int port, List<String> noProxy) {
    private static final int MAX_HEAD = 16 * 1024;

    public UpstreamProxy {
        noProxy = noProxy == null ? List.of() : noProxy.stream().map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).toList();
    }

    /** {@code http://host:port} (userinfo is not supported), or null for none. */
    public static UpstreamProxy parse(String uri, String noProxy) {
        if (uri == null || uri.isBlank()) {
            return null;
        }
        URI u = URI.create(uri.contains("://") ? uri.strip() : "http://" + uri.strip());
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("The upstream proxy must be http://host:port, not " + uri);
        }
        return new UpstreamProxy(u.getHost(), u.getPort() < 0 ? 80 : u.getPort(),
                noProxy == null ? List.of() : List.of(noProxy.split(",")));
    }

    /** Whether {@code target} is reached through this proxy (not listed in {@code noProxy}). */
    public boolean appliesTo(String target) {
        String t = target.toLowerCase(Locale.ROOT);
        for (String n : noProxy) {
            if (n.equals("*") || t.equals(n) || (n.startsWith(".") ? t.endsWith(n) : t.endsWith("." + n))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens a tunnel to {@code host:port} through the upstream proxy: a blocking CONNECT whose
     * response head is read byte by byte (nothing of the tunnel's data is consumed), then the
     * channel is handed over, non-blocking.
     */
    SocketChannel connect(String targetHost, int targetPort, int timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            Socket socket = channel.socket();
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            String authority = (targetHost.contains(":") ? "[" + targetHost + "]" : targetHost) + ":" + targetPort;
            String head = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = readHead(socket.getInputStream());
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[1].equals("200")) {
                throw new IOException("the upstream proxy " + host + ":" + port + " refused the tunnel to " + authority
                        + ": " + status);
            }
            socket.setSoTimeout(0);
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the upstream proxy closed the connection during CONNECT");
            }
            head.write(b);
            if (head.size() > MAX_HEAD) {
                throw new IOException("the upstream proxy's CONNECT response is too long");
            }
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n"));
    }
}
