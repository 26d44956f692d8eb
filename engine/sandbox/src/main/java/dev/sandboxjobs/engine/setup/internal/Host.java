package dev.sandboxjobs.engine.setup.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The machine setup runs on: who we are, which programs exist, and running them (argv only). */
public class Host {
    private final Map<String, String> environment;

    public Host(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** True when the effective user id is 0, read from {@code /proc/self/status}. */
    public boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 && ids[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    public Optional<OsRelease> osRelease() {
        return OsRelease.read(OsRelease.DEFAULT_PATH);
    }

    /** The absolute path of {@code program} on PATH (plus the sbin folders root has), if any. */
    public Optional<Path> which(String program) {
        String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        String searched = path + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : searched.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code argv} with extra environment variables, feeding each line of its merged
     * stdout and stderr to {@code output}, and returns its exit code.
     */
    public int run(List<String> argv, Map<String, String> extraEnv, Consumer<String> output) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(extraEnv);
        try {
            Process process = builder.start();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.accept(line);
                }
            }
            return process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + argv.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }

    /** Starts {@code argv} detached from us (own session, stdin from /dev/null, output appended to {@code log}). */
    public Process startDetached(List<String> argv, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }
}
