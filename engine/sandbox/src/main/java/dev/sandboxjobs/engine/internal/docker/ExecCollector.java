package dev.sandboxjobs.engine.internal.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.ByteArrayOutputStream;

/** Starts a created Docker exec, collects its output (bounded per stream) and reads its exit code. */
final class ExecCollector extends ResultCallback.Adapter<Frame> {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final long maxBytes;
    private volatile Throwable failure;

    private ExecCollector(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Runs exec {@code execId} (made with stdout and stderr attached) to its end; {@code program} names it in errors. */
    static ExecOutput collect(DockerClient docker, String execId, String program, long maxBytes) {
        ExecCollector collector = new ExecCollector(maxBytes);
        try {
            docker.execStartCmd(execId).exec(collector).awaitCompletion();
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DockerErrors.error("Exec in the sandbox failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while waiting for " + program, e);
        }
        if (collector.failure != null) {
            throw DockerErrors.error("Exec in the sandbox failed", collector.failure);
        }
        Long exit = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        return new ExecOutput(exit == null ? -1 : exit.intValue(), collector.out.toByteArray(), collector.err.toByteArray());
    }

    @Override
    public void onNext(Frame frame) {
        ByteArrayOutputStream target = frame.getStreamType() == StreamType.STDERR ? err : out;
        byte[] p = frame.getPayload();
        int room = (int) Math.max(0, Math.min(p.length, maxBytes - target.size()));
        target.write(p, 0, room);
    }

    @Override
    public void onError(Throwable throwable) {
        failure = throwable;
        super.onError(throwable);
    }
}
