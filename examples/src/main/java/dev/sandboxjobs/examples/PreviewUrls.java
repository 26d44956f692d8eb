package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The seed's guide "Expose services": a small web app (HTML and a JSON endpoint, Python's standard
 * library) runs as a background process and is reached from outside through its preview URL.
 * The URL carries a token: whoever holds it reaches the app.
 */
public final class PreviewUrls {
    private PreviewUrls() {}

    static final String APP = """
            import http.server, json
            class App(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    if self.path == '/api/status':
                        body, kind = json.dumps({'status': 'ok', 'served_by': 'sandbox'}).encode(), 'application/json'
                    else:
                        body, kind = b'<h1>Hello from a sandbox</h1>', 'text/html'
                    self.send_response(200)
                    self.send_header('Content-Type', kind)
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
            http.server.ThreadingHTTPServer(('0.0.0.0', 8080), App).serve_forever()
            """;

    public static void main(String[] args) throws InterruptedException {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns the JSON the app answered through its preview URL. */
    public static String run(SandboxEngine engine, PrintStream out) throws InterruptedException {
        try (Sandbox sandbox = engine.getSandbox("preview-urls")) {
            try {
                sandbox.writeFile("/workspace/app.py", APP);
                ProcessInfo app = sandbox.startProcess("python3 /workspace/app.py");
                ExposedPort port = sandbox.exposePort(8080, "web");
                out.println("App " + app.id() + " is at " + port.exposedAt());

                String page = getWhenReady(port.exposedAt(), "/");
                out.println("GET / -> " + page);
                String json = getWhenReady(port.exposedAt(), "/api/status");
                out.println("GET /api/status -> " + json);
                return json;
            } finally {
                sandbox.destroy();
            }
        }
    }

    /** GETs a path of a preview URL, retrying while the app starts (the proxy answers 502 until it listens). */
    static String getWhenReady(String url, String path) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            String[] response = get(url, path);
            if (response[0].contains(" 200 ") || attempt >= 150) {
                return response[1];
            }
            Thread.sleep(200);
        }
    }

    /**
     * A plain HTTP/1.1 GET sent to 127.0.0.1 with the preview host name in {@code Host}, as a
     * browser does ({@code *.localhost} resolves to the loopback in browsers, not everywhere else).
     */
    static String[] get(String url, String path) {
        URI uri = URI.create(url);
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            OutputStream req = socket.getOutputStream();
            req.write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            req.flush();
            InputStream in = socket.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            return new String[] {raw.lines().findFirst().orElse(""), split < 0 ? "" : raw.substring(split + 4)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
