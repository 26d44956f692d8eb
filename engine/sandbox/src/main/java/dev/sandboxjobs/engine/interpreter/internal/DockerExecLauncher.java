package dev.sandboxjobs.engine.interpreter.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts executors with {@code docker exec} in one container, attached to stdin, stdout and
 * stderr over a hijacked connection. Docker's frames keep stdout (the protocol) apart from
 * stderr. The channel never relies on closing stdin to deliver EOF (docker-java #1552): the
 * executor is stopped with a signal by pid.
 */
public final class DockerExecLauncher implements ExecutorLauncher {
    /** Longest protocol line accepted (a large figure as base64 fits comfortably). */
    static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

    private final DockerClient docker;
    private final String containerId;
    private final String user;

    /**
     * @param docker the client
     * @param containerId the sandbox's container
     * @param user the user to run as ({@code uid[:gid]} or a name), or null for the container's
     */
    public DockerExecLauncher(DockerClient docker, String containerId, String user) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.containerId = Objects.requireNonNull(containerId, "containerId");
        this.user = user;
    }

    @Override
    public ExecutorChannel launch(ExecutorCommand command, ExecutorChannel.Listener listener) {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> entry : command.env().entrySet()) {
            env.add(entry.getKey() + "=" + entry.getValue());
        }
        ExecCreateCmd create = docker.execCreateCmd(containerId)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(false)
                .withEnv(env)
                .withCmd(command.argv().toArray(String[]::new));
        if (command.workingDir() != null) {
            create.withWorkingDir(command.workingDir());
        }
        if (user != null) {
            create.withUser(user);
        }
        String execId;
        try {
            execId = create.exec().getId();
        } catch (RuntimeException e) {
            throw new SandboxException(ErrorCode.INTERPRETER_UNAVAILABLE,
                    "Could not start the code interpreter in container " + containerId + ": " + e.getMessage()
                            + ". Check that the sandbox is running.", e);
        }
        Channel channel = new Channel(listener);
        docker.execStartCmd(execId).withDetach(false).withTty(false).withStdIn(channel.stdin).exec(channel.frames);
        return channel;
    }

    private final class Channel implements ExecutorChannel {
        private final QueueInputStream stdin = new QueueInputStream();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean reported = new AtomicBoolean();
        private final ExecutorChannel.Listener listener;
        private final LineDecoder lines;
        private final ResultCallback.Adapter<Frame> frames;

        Channel(ExecutorChannel.Listener listener) {
            this.listener = listener;
            this.lines = new LineDecoder(MAX_LINE_BYTES,
                    line -> listener.onLine(line == null ? "{\"type\":\"protocol_error\",\"message\":\"line too long\"}" : line));
            this.frames = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    byte[] payload = frame.getPayload();
                    if (payload == null) {
                        return;
                    }
                    if (frame.getStreamType() == StreamType.STDERR) {
                        listener.onStderr(new String(payload, StandardCharsets.UTF_8));
                    } else {
                        lines.feed(payload, 0, payload.length);
                    }
                }

                @Override
                public void onError(Throwable throwable) {
                    closedBecause(throwable);
                    super.onError(throwable);
                }

                @Override
                public void onComplete() {
                    closedBecause(null);
                    super.onComplete();
                }
            };
        }

        private void closedBecause(Throwable cause) {
            // the exec's output ended (it exited, its container was removed): end its stdin too, or
            // docker-java's thread copying stdin to the hijacked connection waits on it for ever
            stdin.close();
            if (reported.compareAndSet(false, true)) {
                listener.onClosed(closed.get() ? null : cause);
            }
        }

        @Override
        public void send(String line) throws IOException {
            stdin.offer((line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void signal(long pid, String signal) {
            try {
                // the signal and pid travel as positional arguments, never inside the script
                String execId = docker.execCreateCmd(containerId)
                        .withAttachStdout(true)
                        .withAttachStderr(true)
                        .withCmd("sh", "-c", "kill -s \"$1\" \"$2\"", "kill", signal, Long.toString(pid))
                        .exec()
                        .getId();
                docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the container may be gone; closing the channel is all that is left to do
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                stdin.close();
                try {
                    frames.close();
                } catch (IOException | RuntimeException e) {
                    // already closed by the transport
                }
                closedBecause(null);
            }
        }
    }
}
