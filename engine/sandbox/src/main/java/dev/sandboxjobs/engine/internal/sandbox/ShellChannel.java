package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.ExecSockets;
import dev.sandboxjobs.engine.internal.docker.FeedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The connection of a long-lived shell exec ({@link ShellSession}): writes go to its stdin, and
 * its stdout and stderr come back to a {@link Receiver} as they arrive. Over a hijacked
 * connection ({@link ExecSockets}) when the Docker host allows one: one reader thread, frames of
 * up to 32 KiB, stdin written straight to the socket. Otherwise over docker-java's attach, which
 * copies stdin on a thread of its own and hands output over in frames of at most 1 KiB (about
 * 3–5 times slower for a MiB here, see docs/performance.md).
 */
abstract class ShellChannel implements AutoCloseable {
    /** Largest piece of a frame handed over at once. */
    private static final int CHUNK = 64 << 10;

    /** What the shell sends back. Called on one thread, in order. */
    interface Receiver {
        void output(boolean stderr, byte[] data);

        /** The connection failed. */
        void failed(Throwable cause);

        /** The shell's output ended: it exited. */
        void ended();
    }

    /** Starts created exec {@code execId} (stdin, stdout and stderr attached, no TTY). */
    static ShellChannel start(Containers containers, String execId, String name, Receiver receiver) {
        ExecSockets sockets = containers.sockets();
        if (sockets == null) {
            return new Attached(containers, execId, receiver);
        }
        try {
            return new Hijacked(sockets.start(execId), name, receiver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code wire} to the shell's stdin. */
    final void send(byte[] wire) {
        send(wire, 0, wire.length);
    }

    /** Sends {@code len} bytes of {@code b} from {@code off} to the shell's stdin. */
    abstract void send(byte[] b, int off, int len);

    /**
     * Whether large content can be streamed to the shell's stdin: a hijacked connection writes it
     * through as it comes; docker-java's attach would queue all of it in memory first.
     */
    abstract boolean streams();

    /** Lets go of the connection: the shell's stdin ends (hijacked) and no more output is read. */
    @Override
    public abstract void close();

    private static final class Hijacked extends ShellChannel {
        private final ExecSockets.Hijacked exec;
        private final OutputStream stdin;

        Hijacked(ExecSockets.Hijacked exec, String name, Receiver receiver) {
            this.exec = exec;
            this.stdin = exec.stdin();
            Thread reader = new Thread(() -> read(receiver), name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read(Receiver receiver) {
            try {
                long frame;
                while ((frame = exec.readFrame()) >= 0) {
                    boolean stderr = (int) (frame >>> 32) == ExecSockets.Hijacked.STDERR;
                    long left = frame & 0xffffffffL;
                    while (left > 0) {
                        byte[] data = new byte[(int) Math.min(left, CHUNK)];
                        int got = 0;
                        while (got < data.length) {
                            int n = exec.payload(data, got, data.length - got);
                            if (n < 0) {
                                throw new IOException("the shell's connection ended inside a frame");
                            }
                            got += n;
                        }
                        left -= got;
                        receiver.output(stderr, data);
                    }
                }
                receiver.ended();
            } catch (IOException | RuntimeException e) {
                // also when closed here: a command still waiting learns that its shell is gone
                receiver.failed(e);
            }
        }

        @Override
        void send(byte[] b, int off, int len) {
            try {
                synchronized (stdin) {
                    stdin.write(b, off, len);
                    stdin.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing to the shell failed", e);
            }
        }

        @Override
        boolean streams() {
            return true;
        }

        @Override
        public void close() {
            exec.close();
        }
    }

    private static final class Attached extends ShellChannel {
        private final FeedInputStream stdin = new FeedInputStream();
        private final ResultCallback.Adapter<Frame> callback;

        Attached(Containers containers, String execId, Receiver receiver) {
            this.callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    receiver.output(frame.getStreamType() == StreamType.STDERR, frame.getPayload());
                }

                @Override
                public void onError(Throwable throwable) {
                    receiver.failed(throwable);
                    super.onError(throwable);
                }

                @Override
                public void onComplete() {
                    receiver.ended();
                    super.onComplete();
                }
            };
            containers.client().execStartCmd(execId).withStdIn(stdin).exec(callback);
        }

        @Override
        void send(byte[] b, int off, int len) {
            stdin.feed(off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        boolean streams() {
            return false;
        }

        @Override
        public void close() {
            stdin.close();
            try {
                callback.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }
}
