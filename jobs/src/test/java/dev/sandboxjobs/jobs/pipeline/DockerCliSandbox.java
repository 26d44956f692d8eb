package dev.sandboxjobs.jobs.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in adapter over the docker CLI for testing the pipeline in real containers until
 * the SDK's {@code Sandbox} exists. Secrets are passed as {@code -e NAME} (no value), so the
 * docker CLI reads them from its own environment and they never appear in any argv.
 */
final class DockerCliSandbox implements PipelineSandbox, AutoCloseable {

    static final String LABEL = "dev.sandboxjobs.test=jobs-pipeline";
    private static final int MAX_OUTPUT = 4 * 1024 * 1024;

    final String containerId;
    private boolean closed;

    /**
     * @param image   the image
     * @param volumes volume name to container path
     * @param network {@code bridge} or {@code none}
     */
    DockerCliSandbox(String image, Map<String, String> volumes, String network) {
        List<String> argv = new ArrayList<>(List.of("docker", "run", "-d", "--label", LABEL,
                "--label", "dev.sandboxjobs.owner=pipeline-helper", "--network", network,
                "--security-opt", "no-new-privileges", "--pids-limit", "1024", "--memory", "3g"));
        volumes.forEach((name, path) -> argv.addAll(List.of("-v", name + ":" + path)));
        argv.addAll(List.of("--entrypoint", "sleep", image, "infinity"));
        Result r = run(argv, Map.of(), null, Duration.ofMinutes(2));
        if (r.exit != 0) {
            throw new IllegalStateException("docker run failed: " + r.stderr);
        }
        containerId = r.stdout.strip();
    }

    record Result(int exit, String stdout, String stderr, boolean timedOut) {
    }

    @Override
    public ExecResult exec(List<String> argv, ExecSpec spec) {
        List<String> cmd = new ArrayList<>(List.of("docker", "exec", "-w", spec.cwd()));
        spec.env().forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        spec.secretEnv().keySet().forEach(k -> cmd.addAll(List.of("-e", k)));
        cmd.add(containerId);
        cmd.addAll(argv);
        Map<String, String> cliEnv = new java.util.HashMap<>();
        spec.secretEnv().forEach((k, v) -> cliEnv.put(k, v.reveal()));
        Result r = run(cmd, cliEnv, null, spec.timeout());
        if (r.timedOut) {
            // kill everything the command started (PID 1, sleep, survives kill -1)
            run(List.of("docker", "exec", containerId, "kill", "-9", "-1"), Map.of(), null, Duration.ofSeconds(30));
        }
        return new ExecResult(r.timedOut ? -1 : r.exit, r.stdout, r.stderr, r.timedOut);
    }

    @Override
    public Optional<byte[]> readFile(String path, int maxBytes) {
        List<String> cmd = List.of("docker", "exec", containerId, "sh", "-c", "test -f \"$1\" && head -c \"$2\" \"$1\"",
                "sh", path, String.valueOf(maxBytes));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? Optional.of(bytes) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void writeFile(String path, byte[] content) {
        List<String> cmd = List.of("docker", "exec", "-i", containerId, "sh", "-c",
                "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\"", "sh", path);
        Result r = run(cmd, Map.of(), content, Duration.ofMinutes(1));
        if (r.exit != 0) {
            throw new IllegalStateException("writeFile failed: " + r.stderr);
        }
    }

    @Override
    public List<String> listFiles(String dir, int maxDepth) {
        Result r = run(List.of("docker", "exec", containerId, "find", dir, "-mindepth", "1", "-maxdepth",
                String.valueOf(maxDepth), "-printf", "%P\\t%y\\n"), Map.of(), null, Duration.ofMinutes(1));
        if (r.exit != 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : r.stdout.split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0 && out.size() < 20_000) {
                out.add(line.substring(0, tab) + (line.substring(tab + 1).equals("d") ? "/" : ""));
            }
        }
        return out;
    }

    @Override
    public void copyIn(Path source, String target) {
        run(List.of("docker", "exec", containerId, "mkdir", "-p", target), Map.of(), null, Duration.ofMinutes(1));
        try {
            Process tar = new ProcessBuilder("tar", "-C", source.toString(), "-cf", "-", ".").start();
            byte[] archive;
            CompletableFuture<byte[]> err = drain(tar.getErrorStream());
            archive = tar.getInputStream().readAllBytes();
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("tar failed: " + new String(err.join(), StandardCharsets.UTF_8));
            }
            Result r = run(List.of("docker", "exec", "-i", containerId, "tar", "-xf", "-", "-C", target, "--no-same-owner"),
                    Map.of(), archive, Duration.ofMinutes(2));
            if (r.exit != 0) {
                throw new IllegalStateException("copyIn failed: " + r.stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        run(List.of("docker", "rm", "-f", "-v", containerId), Map.of(), null, Duration.ofMinutes(1));
    }

    static Result run(List<String> argv, Map<String, String> env, byte[] stdin, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                }
            } else {
                p.getOutputStream().close();
            }
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(finished ? p.exitValue() : -1, new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8), !finished);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    if (buf.size() < MAX_OUTPUT) {
                        buf.write(chunk, 0, Math.min(n, MAX_OUTPUT - buf.size()));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            return buf.toByteArray();
        });
    }
}
