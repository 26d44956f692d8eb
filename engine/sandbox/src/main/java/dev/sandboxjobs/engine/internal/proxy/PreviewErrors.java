package dev.sandboxjobs.engine.internal.proxy;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The proxy's own answers: a short HTML page, a status and an {@code X-Sandbox-Jobs-Error}
 * header carrying the error code, so that scripts can tell the proxy's errors from the
 * service's.
 */
final class PreviewErrors {
    static final String ERROR_HEADER = "X-Sandbox-Jobs-Error";

    private PreviewErrors() {}

    /** Writes the page and completes {@code callback}; returns true (handled) for use in handlers. */
    static boolean send(Response response, Callback callback, int status, String title, String code, String message) {
        byte[] bytes = page(status, title, code, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(ERROR_HEADER, code);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
        return true;
    }

    /** The same answer as a whole HTTP/1.1 response that closes the connection, for raw sockets. */
    static byte[] rawResponse(int status, String reason, String code, String message) {
        byte[] body = page(status, reason, code, message).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/html; charset=utf-8\r\n"
                + "Cache-Control: no-store\r\n" + ERROR_HEADER + ": " + code + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static String page(int status, String title, String code, String message) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + status + " " + escape(title)
                + "</title></head>\n<body><h1>" + status + " " + escape(title) + "</h1>\n<p>" + escape(message)
                + "</p>\n<p><small>Sandbox Jobs preview proxy &middot; " + escape(code) + "</small></p></body></html>\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
