package dev.sandboxjobs.jobs.pipeline.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link PipelineSandbox} over a real SDK {@link Sandbox}: argv execs without a shell, secrets
 * only in the exec's environment, a timeout turned into a {@code timedOut} result (the SDK throws
 * {@link ErrorCode#COMMAND_TIMEOUT} after killing the tree), files through the SDK's tar streams.
 * Other {@link SandboxException}s are infrastructure faults and propagate.
 */
public final class SdkPipelineSandbox implements PipelineSandbox {
    /** Output the SDK keeps per stream; the result is built from the streamed output instead (head and tail). */
    static final long MAX_OUTPUT_BYTES = 1L << 20;
    /** Output kept per stream in a result, half from its start and half from its end. */
    static final int MAX_PARTIAL_CHARS = 16 << 20;
    /** Most entries a listing returns. */
    static final int MAX_LISTING = 20_000;

    private final Sandbox sandbox;

    public SdkPipelineSandbox(Sandbox sandbox) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    }

    @Override
    public CommandResult exec(List<String> argv, ExecSpec spec) {
        if (spec.detached()) {
            return execDetached(argv, spec);
        }
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
            ExecResult r = sandbox.exec(argv, options.build());
            // the SDK keeps the start of a long output; ours keeps its end too, where the totals are
            return new CommandResult(r.exitCode(), out.text(), err.text(), false);
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.COMMAND_TIMEOUT) {
                return new CommandResult(-1, out.text(), err.text(), true);
            }
            throw e;
        }
    }

    /** Runs the commands at the same time, one Docker exec each (the SDK's argv execs may run in parallel). */
    @Override
    public List<CommandResult> execAll(List<List<String>> argvs, ExecSpec spec) {
        if (argvs.size() < 2) {
            return PipelineSandbox.super.execAll(argvs, spec);
        }
        ExecutorService pool = Executors.newFixedThreadPool(argvs.size(), r -> {
            Thread t = new Thread(r, "sandbox-jobs-pipeline-exec");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CommandResult>> running = new ArrayList<>();
            for (List<String> argv : argvs) {
                running.add(pool.submit(() -> exec(argv, spec)));
            }
            List<CommandResult> results = new ArrayList<>();
            for (Future<CommandResult> f : running) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Interrupted while running commands in the sandbox", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs {@code argv} with its output redirected to files by a fixed {@code bash} wrapper (the argv are
     * its positional parameters, never shell text): daemons it leaves behind write to the files, not to
     * the exec's pipes, so the exec ends with the command. When the command has exited, the same wrapper
     * prints the files back (all of each, or its head and tail with a marker when longer than
     * {@link #MAX_PARTIAL_CHARS}) and removes them: one exec in all. After a timeout (the wrapper was
     * killed with the command) the files are read back and removed by separate calls.
     */
    private CommandResult execDetached(List<String> argv, ExecSpec spec) {
        String dir = "/tmp/sandbox-jobs-exec-" + UUID.randomUUID();
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", DETACHED, "sj-detached", dir,
                String.valueOf(MAX_PARTIAL_CHARS / 2)));
        wrapped.addAll(argv);
        CommandResult r = exec(wrapped, new ExecSpec(spec.cwd(), spec.env(), spec.secretEnv(), spec.timeout(), false));
        if (!r.timedOut()) {
            return r;
        }
        String stdout = readBack(dir + "/out");
        String stderr = readBack(dir + "/err");
        exec(List.of("rm", "-rf", dir), ExecSpec.of("/", Map.of(), Duration.ofMinutes(1)));
        return new CommandResult(r.exitCode(), stdout, stderr, true);
    }

    /**
     * The detached wrapper: {@code $1} its directory, {@code $2} the bytes kept from each end of a long
     * output, then the command. Its own exit code is the command's.
     */
    static final String DETACHED = """
            d=$1; half=$2; shift 2
            mkdir -p -- "$d" || exit 125
            "$@" >"$d/out" 2>"$d/err" </dev/null
            e=$?
            show() {
              s=$(stat -c %s -- "$1" 2>/dev/null) || return 0
              if [ "$s" -le $((2 * half)) ]; then cat -- "$1"
              else head -c "$half" -- "$1"; printf '\\n… [%s bytes cut] …\\n' "$((s - 2 * half))"; tail -c "$half" -- "$1"
              fi
            }
            show "$d/out"
            show "$d/err" >&2
            rm -rf -- "$d"
            exit "$e"
            """;

    private String readBack(String path) {
        CommandResult size = exec(List.of("stat", "-c", "%s", path), ExecSpec.of("/", Map.of(),
                Duration.ofMinutes(1)));
        long bytes;
        try {
            bytes = Long.parseLong(size.stdout().strip());
        } catch (NumberFormatException e) {
            return "";
        }
        int half = MAX_PARTIAL_CHARS / 2;
        if (bytes <= 2L * half) {
            return readFile(path, (int) bytes).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        }
        String head = readFile(path, half).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        Partial tail = new Partial(0, half);
        ExecOptions options = ExecOptions.builder().cwd("/").timeout(Duration.ofMinutes(5))
                .maxOutputBytes(MAX_OUTPUT_BYTES).onOutput((stream, data) -> {
                    if (stream != StreamType.STDERR) {
                        tail.append(data);
                    }
                }).build();
        sandbox.exec(List.of("tail", "-c", String.valueOf(half), path), options);
        return head + "\n… [" + (bytes - 2L * half) + " bytes cut] …\n" + tail.text();
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
        CommandResult r = exec(List.of("find", dir, "-mindepth", "1", "-maxdepth", String.valueOf(maxDepth),
                "-printf", "%P\\t%y\\0"), ExecSpec.of("/", Map.of(), Duration.ofMinutes(2)));
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

    /** One {@code find} over every directory; those that do not exist get empty listings. */
    @Override
    public Map<String, List<String>> listFiles(List<String> dirs, int maxDepth) {
        Map<String, List<String>> listings = new java.util.LinkedHashMap<>();
        dirs.forEach(d -> listings.put(d, new ArrayList<>()));
        if (dirs.size() < 2) {
            dirs.forEach(d -> listings.put(d, listFiles(d, maxDepth)));
            return listings;
        }
        List<String> argv = new ArrayList<>(List.of("find"));
        argv.addAll(dirs);
        argv.addAll(List.of("-mindepth", "1", "-maxdepth", String.valueOf(maxDepth), "-printf", "%H\\t%P\\t%y\\0"));
        CommandResult r = exec(argv, ExecSpec.of("/", Map.of(), Duration.ofMinutes(2)));
        int total = 0;
        for (String record : r.stdout().split("\0")) {
            int first = record.indexOf('\t');
            int last = record.lastIndexOf('\t');
            if (first <= 0 || last <= first + 1 || total >= MAX_LISTING) {
                continue;
            }
            List<String> listing = listings.get(record.substring(0, first));
            if (listing != null) {
                listing.add(record.substring(first + 1, last) + (record.substring(last + 1).equals("d") ? "/" : ""));
                total++;
            }
        }
        return listings;
    }

    @Override
    public void copyIn(Path source, String target) {
        sandbox.copyIn(source, target);
    }

    @Override
    public boolean setEgressPolicy(EgressPolicy policy) {
        if (!sandbox.egressPolicy().proxied()) {
            return false; // created with no network: it keeps none
        }
        sandbox.setEgressPolicy(policy.proxied() ? policy : EgressPolicy.allow());
        return true;
    }

    @Override
    public List<EgressEvent> egressLog() {
        return sandbox.egressLog();
    }

    /**
     * A command's output as it streams: its start and its end (where runners print their totals) up to a
     * bound each, with a marker where the middle was cut; exact when nothing was cut.
     */
    static final class Partial implements OutputListener {
        private final int headMax;
        private final int tailMax;
        private final StringBuilder head = new StringBuilder();
        private final StringBuilder tail = new StringBuilder();
        private long cut;

        Partial() {
            this(MAX_PARTIAL_CHARS / 2, MAX_PARTIAL_CHARS / 2);
        }

        Partial(int headMax, int tailMax) {
            this.headMax = headMax;
            this.tailMax = tailMax;
        }

        synchronized void append(String data) {
            int room = headMax - head.length();
            if (room > 0 && tail.length() == 0) {
                int n = Math.min(room, data.length());
                head.append(data, 0, n);
                data = data.substring(n);
            }
            if (data.isEmpty()) {
                return;
            }
            tail.append(data);
            if (tail.length() > 2 * tailMax) {
                int drop = tail.length() - tailMax;
                cut += drop;
                tail.delete(0, drop);
            }
        }

        synchronized String text() {
            if (tail.length() > tailMax) {
                int drop = tail.length() - tailMax;
                cut += drop;
                tail.delete(0, drop);
            }
            return cut == 0 ? head.toString() + tail : head + "\n… [" + cut + " characters cut] …\n" + tail;
        }

        @Override
        public void onOutput(StreamType stream, String data) {
            append(data);
        }
    }
}
