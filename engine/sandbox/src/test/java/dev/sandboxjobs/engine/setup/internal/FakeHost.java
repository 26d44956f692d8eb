package dev.sandboxjobs.engine.setup.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** A hand-written host: decides who we are and what exists, and records what would have run. */
class FakeHost extends Host {
    boolean root = true;
    OsRelease os = OsRelease.parse("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"");
    boolean dockerdInstalled;
    final List<List<String>> ran = new ArrayList<>();
    final List<Map<String, String>> environments = new ArrayList<>();
    final Map<String, Integer> exitCodes = new HashMap<>();
    final List<List<String>> started = new ArrayList<>();
    Function<Path, List<String>> daemon = log -> List.of("sleep", "30");
    final List<Process> processes = new ArrayList<>();

    FakeHost() {
        super(Map.of("PATH", "/usr/bin:/bin"));
    }

    @Override
    public boolean isRoot() {
        return root;
    }

    @Override
    public Optional<OsRelease> osRelease() {
        return Optional.ofNullable(os);
    }

    @Override
    public Optional<Path> which(String program) {
        return switch (program) {
            case "dockerd" -> dockerdInstalled ? Optional.of(Path.of("/usr/sbin/dockerd")) : Optional.empty();
            case "setsid" -> Optional.of(Path.of("/usr/bin/setsid"));
            default -> Optional.empty();
        };
    }

    @Override
    public int run(List<String> argv, Map<String, String> extraEnv, Consumer<String> output) {
        ran.add(List.copyOf(argv));
        environments.add(Map.copyOf(extraEnv));
        output.accept("(fake) " + String.join(" ", argv));
        int exit = exitCodes.getOrDefault(String.join(" ", argv), 0);
        if (exit == 0 && argv.equals(AptGet.argv("install", "-y", "docker.io"))) {
            dockerdInstalled = true;
        }
        return exit;
    }

    /** Starts the fake daemon for real (so that liveness checks see a real process), never dockerd. */
    @Override
    public Process startDetached(List<String> argv, Path log) {
        started.add(List.copyOf(argv));
        try {
            Process process = new ProcessBuilder(daemon.apply(log)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }
}
