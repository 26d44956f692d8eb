package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The seam between the pipeline's steps and a sandbox: the calls the steps make, and the
 * egress policy of each step with the log of what it tried.
 * An adapter over {@code dev.sandboxjobs.engine.Sandbox} implements it for real; unit
 * tests use a hand-written fake.
 *
 * <p>Rules an implementation keeps: {@link #exec} runs the argv as is (no shell);
 * {@link ExecSpec#secretEnv()} values reach the process environment only and are never
 * logged, stored or echoed; a timeout kills the command's whole process tree and is
 * reported as {@link CommandResult#timedOut()}, not thrown. Infrastructure faults (the
 * container died, Docker is gone) are thrown as unchecked exceptions and are not results.
 */
public interface PipelineSandbox {

    /** Runs {@code argv} without a shell. A non-zero exit is a result, not an exception. */
    CommandResult exec(List<String> argv, ExecSpec spec);

    /**
     * Runs independent commands, each as {@link #exec} with {@code spec}, and returns their results in
     * the same order. An implementation may run them at the same time (the SDK's adapter does: probes
     * such as {@code node --version} cost a Docker exec each); the default runs them one after the other.
     */
    default List<CommandResult> execAll(List<List<String>> argvs, ExecSpec spec) {
        return argvs.stream().map(argv -> exec(argv, spec)).toList();
    }

    /** Up to {@code maxBytes} of the file at {@code path}, or empty when there is no such file. */
    Optional<byte[]> readFile(String path, int maxBytes);

    /** Writes {@code content} to {@code path}, creating parent directories. */
    void writeFile(String path, byte[] content);

    /**
     * Paths under {@code dir}, relative to it, at most {@code maxDepth} levels deep
     * (1 = its direct children); directories end with '/'. Empty when {@code dir} does not exist.
     */
    List<String> listFiles(String dir, int maxDepth);

    /**
     * {@link #listFiles(String, int)} of each of {@code dirs}, by directory (empty for one that does not
     * exist). An implementation may list them all in one go (the SDK's adapter runs one {@code find}).
     */
    default Map<String, List<String>> listFiles(List<String> dirs, int maxDepth) {
        Map<String, List<String>> listings = new java.util.LinkedHashMap<>();
        for (String dir : dirs) {
            listings.put(dir, listFiles(dir, maxDepth));
        }
        return listings;
    }

    /** Copies the host directory {@code source} (all files, {@code .git} included) to {@code target}. */
    void copyIn(Path source, String target);

    /**
     * Puts {@code policy} in force for the sandbox's new connections; false (nothing changed) when
     * the sandbox has no network at all, which no policy can give it. The default has no network.
     */
    default boolean setEgressPolicy(EgressPolicy policy) {
        return false;
    }

    /** What the sandbox tried to reach through the egress proxy, oldest first (the SDK's egress log). */
    default List<EgressEvent> egressLog() {
        return List.of();
    }

    /**
     * How to run one command.
     *
     * @param cwd       working directory in the sandbox
     * @param env       environment added for this command
     * @param secretEnv environment holding secrets: passed to the process only
     * @param timeout   after which the command's process tree is killed
     * @param detached  whether the command's output goes through files rather than pipes, so that the exec
     *                  ends when the command itself exits even when processes it started (a daemon) still
     *                  hold their output open; its output is read back from the files (head and tail)
     */
    record ExecSpec(String cwd, Map<String, String> env, Map<String, SecretValue> secretEnv, Duration timeout,
            boolean detached) {
        public ExecSpec {
            Objects.requireNonNull(cwd, "cwd");
            env = Map.copyOf(env);
            secretEnv = Map.copyOf(secretEnv);
            Objects.requireNonNull(timeout, "timeout");
        }

        public ExecSpec(String cwd, Map<String, String> env, Map<String, SecretValue> secretEnv, Duration timeout) {
            this(cwd, env, secretEnv, timeout, false);
        }

        public static ExecSpec of(String cwd, Map<String, String> env, Duration timeout) {
            return new ExecSpec(cwd, env, Map.of(), timeout);
        }

        /** This spec with the output going through files ({@link #detached()}). */
        public ExecSpec detach() {
            return new ExecSpec(cwd, env, secretEnv, timeout, true);
        }
    }

    /**
     * A command's outcome. Output is capped by the implementation.
     *
     * @param exitCode the exit code ({@code -1} when killed by a timeout)
     * @param stdout   standard output
     * @param stderr   standard error
     * @param timedOut whether the timeout killed it
     */
    record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
        public CommandResult {
            stdout = stdout == null ? "" : stdout;
            stderr = stderr == null ? "" : stderr;
        }

        public boolean success() {
            return exitCode == 0 && !timedOut;
        }

        /** Standard output then standard error, for display. */
        public String combined() {
            if (stderr.isEmpty()) {
                return stdout;
            }
            return stdout.isEmpty() ? stderr : stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
        }
    }
}
