package dev.sandboxjobs.jobs.pipeline.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PipelineSandbox} over a real SDK {@link Sandbox}: argv execs without a shell, secrets
 * only in the exec's environment, a timeout turned into a {@code timedOut} result (the SDK throws
 * {@link ErrorCode#COMMAND_TIMEOUT} after killing the tree), files through the SDK's tar streams.
 * Other {@link SandboxException}s are infrastructure faults and propagate.
 */
public final class SdkPipelineSandbox implements PipelineSandbox {
    /** Output kept per stream in a result; the pipeline caps what it stores further. */
    static final long MAX_OUTPUT_BYTES = 16L << 20;
    /** Output kept per stream of a command that timed out (collected while it ran). */
    static final int MAX_PARTIAL_CHARS = 1 << 20;
    /** Most entries a listing returns. */
    static final int MAX_LISTING = 20_000;

    private final Sandbox sandbox;

    public SdkPipelineSandbox(Sandbox sandbox) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    }

    @Override
    public ExecResult exec(List<String> argv, ExecSpec spec) {
        Partial out = new Partial();
        Partial err = new Partial();
        ExecOptions.Builder options = ExecOptions.builder()
                .cwd(spec.cwd())
                .env(spec.env())
                .timeout(spec.timeout())
                .maxOutputBytes(MAX_OUTPUT_BYTES)
                .onOutput((stream, data) -> (stream == StreamType.STDERR ? err : out).append(data));
        spec.secretEnv().forEach((name, secret) -> options.env(name, secret.reveal()));
        try {
            dev.sandboxjobs.engine.ExecResult r = sandbox.exec(argv, options.build());
            return new ExecResult(r.exitCode(), r.stdout(), r.stderr(), false);
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.COMMAND_TIMEOUT) {
                return new ExecResult(-1, out.text(), err.text(), true);
            }
            throw e;
        }
    }

    @Override
    public Optional<byte[]> readFile(String path, int maxBytes) {
        try (InputStream in = sandbox.readFileStream(path)) {
            return Optional.of(in.readNBytes(maxBytes));
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.FILE_NOT_FOUND || e.code() == ErrorCode.IS_A_DIRECTORY) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the sandbox", e);
        }
    }

    @Override
    public void writeFile(String path, byte[] content) {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            sandbox.mkdir(path.substring(0, slash), true);
        }
        sandbox.writeFile(path, content);
    }

    @Override
    public List<String> listFiles(String dir, int maxDepth) {
        ExecResult r = exec(List.of("find", dir, "-mindepth", "1", "-maxdepth", String.valueOf(maxDepth),
                "-printf", "%P\\t%y\\0"), ExecSpec.of("/", java.util.Map.of(), java.time.Duration.ofMinutes(2)));
        List<String> entries = new ArrayList<>();
        for (String record : r.stdout().split("\0")) {
            int tab = record.lastIndexOf('\t');
            if (tab <= 0) {
                continue;
            }
            if (entries.size() >= MAX_LISTING) {
                break;
            }
            entries.add(record.substring(0, tab) + (record.substring(tab + 1).equals("d") ? "/" : ""));
        }
        return entries;
    }

    @Override
    public void copyIn(Path source, String target) {
        sandbox.copyIn(source, target);
    }

    /** Output of a running command, kept up to a bound, for a result after a timeout. */
    private static final class Partial implements OutputListener {
        private final StringBuilder text = new StringBuilder();

        synchronized void append(String data) {
            int room = MAX_PARTIAL_CHARS - text.length();
            if (room > 0) {
                text.append(data, 0, Math.min(room, data.length()));
            }
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void onOutput(StreamType stream, String data) {
            append(data);
        }
    }
}
