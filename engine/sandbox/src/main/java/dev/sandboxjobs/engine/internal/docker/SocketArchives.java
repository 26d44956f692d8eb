package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's archive endpoints ({@code PUT} and {@code GET /containers/{id}/archive}) on a plain
 * connection to the daemon's Unix socket, one connection per call, with megabyte buffers.
 *
 * <p>Why not docker-java: its transport moves a 100 MiB archive at a fifth of {@code docker cp}'s
 * speed (a piped stream and a thread per write, small copies on reads), while the endpoints
 * themselves, driven with large buffers, are faster than {@code docker cp}. The request is a fixed
 * HTTP/1.1 (chunked upload) or HTTP/1.0 (download read to the end of the connection) exchange, so
 * no HTTP library is needed; anything that is not a Unix socket keeps using docker-java.
 */
final class SocketArchives {
    private static final int BUFFER = 1 << 20;
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final UnixDomainSocketAddress socket;
    private final String prefix;

    private SocketArchives(UnixDomainSocketAddress socket, String prefix) {
        this.socket = socket;
        this.prefix = prefix;
    }

    /** For a {@code unix://} host; null for any other (docker-java serves those). */
    static SocketArchives forHost(String host, String apiVersion) {
        if (host == null || !host.startsWith("unix://")) {
            return null;
        }
        String prefix = apiVersion == null || apiVersion.isBlank() ? "" : "/v" + apiVersion;
        return new SocketArchives(UnixDomainSocketAddress.of(host.substring("unix://".length())), prefix);
    }

    /** Streams the archive {@code body} writes into {@code directory}; Docker's refusal as docker-java's exceptions. */
    void put(String containerId, String directory, Containers.TarBody body) {
        try (SocketChannel ch = SocketChannel.open(socket)) {
            OutputStream out = new BufferedOutputStream(new SocketOut(Channels.newOutputStream(ch), () -> { }), 1 << 16);
            String head = "PUT " + path(containerId, directory) + " HTTP/1.1\r\nHost: docker\r\n"
                    + "Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            Throwable bodyFailure = null;
            try {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                BufferedOutputStream tar = new BufferedOutputStream(new ChunkedOut(out), BUFFER);
                body.writeTo(tar);
                tar.flush();
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException | RuntimeException e) {
                bodyFailure = e;
                try {
                    ch.shutdownOutput(); // a truncated chunked body: Docker fails the extraction
                } catch (IOException ignored) {
                    // the connection is gone already
                }
            }
            boolean socketFailed = bodyFailure != null && causedBy(bodyFailure, SocketWriteFailed.class);
            BufferedInputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
            Response response;
            try {
                response = Response.read(in);
            } catch (IOException e) {
                if (bodyFailure != null) {
                    throw asUnchecked(bodyFailure);
                }
                throw e;
            }
            if (bodyFailure != null && !socketFailed) {
                throw asUnchecked(bodyFailure); // the caller's content failed: that is the error, not Docker's EOF
            }
            if (response.status >= 300) {
                throw response.error(in); // e.g. Docker refused the path before reading the body
            }
            if (bodyFailure != null) {
                throw asUnchecked(bodyFailure);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** A failure to write to the Docker engine, as opposed to a failure of the content being written. */
    static final class SocketWriteFailed extends IOException {
        SocketWriteFailed(IOException cause) {
            super("writing to the Docker engine failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * A connection's output whose failures are {@link SocketWriteFailed}, so that they are told
     * apart from the failures of what is written; {@code written} runs after each write.
     */
    static final class SocketOut extends OutputStream {
        private final OutputStream out;
        private final Runnable written;

        SocketOut(OutputStream out, Runnable written) {
            this.out = out;
            this.written = written;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new SocketWriteFailed(e);
            }
            written.run();
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new SocketWriteFailed(e);
            }
        }
    }

    /** The archive of {@code path}, buffered (1 MiB); the caller closes it, which closes the connection. */
    InputStream get(String containerId, String path) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(socket);
            OutputStream out = Channels.newOutputStream(ch);
            // HTTP/1.0: the body is not chunked and ends with the connection
            out.write(("GET " + path(containerId, path) + " HTTP/1.0\r\nHost: docker\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedInputStream in = new BufferedInputStream(Channels.newInputStream(ch), BUFFER);
            Response response = Response.read(in);
            if (response.status >= 300) {
                throw response.error(in);
            }
            SocketChannel open = ch;
            ch = null;
            return new FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    open.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the call failed already
                }
            }
        }
    }

    private String path(String containerId, String path) {
        return prefix + "/containers/" + URLEncoder.encode(containerId, StandardCharsets.UTF_8)
                + "/archive?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    private static RuntimeException asUnchecked(Throwable t) {
        return t instanceof RuntimeException r ? r : new UncheckedIOException((IOException) t);
    }

    /** The status line and the headers that matter (also of an exec start: {@link ExecSockets}). */
    record Response(int status, long contentLength, boolean chunked) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/")) {
                throw new IOException("the Docker engine closed the connection without an HTTP answer");
            }
            String[] parts = statusLine.split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(parts.length > 1 ? parts[1] : "");
            } catch (NumberFormatException e) {
                throw new IOException("the Docker engine answered with a malformed status line: " + statusLine);
            }
            long length = -1;
            boolean chunked = false;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    try {
                        length = Long.parseLong(h.substring(15).trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("the Docker engine answered with a malformed header: " + h);
                    }
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            return new Response(status, length, chunked);
        }

        /** Docker's error as the exception docker-java would have thrown, with the daemon's message. */
        DockerException error(InputStream in) throws IOException {
            byte[] body = contentLength >= 0 ? in.readNBytes((int) Math.min(contentLength, 1 << 16)) : in.readNBytes(1 << 16);
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher m = MESSAGE.matcher(text);
            String message = m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : text.trim();
            return switch (status) {
                case 400 -> new BadRequestException(message);
                case 404 -> new NotFoundException(message);
                case 409 -> new ConflictException(message);
                case 500 -> new InternalServerErrorException(message);
                default -> new DockerException(message, status);
            };
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** HTTP/1.1 chunked transfer coding: one chunk per write. */
    private static final class ChunkedOut extends OutputStream {
        private final OutputStream out;

        ChunkedOut(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write('\r');
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
