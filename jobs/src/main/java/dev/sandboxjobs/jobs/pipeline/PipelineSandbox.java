package dev.sandboxjobs.jobs.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The seam between the pipeline's steps and a sandbox: the five calls the steps make.
 * An adapter over {@code dev.sandboxjobs.engine.Sandbox} implements it for real; unit
 * tests use a hand-written fake.
 *
 * <p>Rules an implementation keeps: {@link #exec} runs the argv as is (no shell);
 * {@link ExecSpec#secretEnv()} values reach the process environment only and are never
 * logged, stored or echoed; a timeout kills the command's whole process tree and is
 * reported as {@link ExecResult#timedOut()}, not thrown. Infrastructure faults (the
 * container died, Docker is gone) are thrown as unchecked exceptions and are not results.
 */
public interface PipelineSandbox {

    /** Runs {@code argv} without a shell. A non-zero exit is a result, not an exception. */
    ExecResult exec(List<String> argv, ExecSpec spec);

    /** Up to {@code maxBytes} of the file at {@code path}, or empty when there is no such file. */
    Optional<byte[]> readFile(String path, int maxBytes);

    /** Writes {@code content} to {@code path}, creating parent directories. */
    void writeFile(String path, byte[] content);

    /**
     * Paths under {@code dir}, relative to it, at most {@code maxDepth} levels deep
     * (1 = its direct children); directories end with '/'. Empty when {@code dir} does not exist.
     */
    List<String> listFiles(String dir, int maxDepth);

    /** Copies the host directory {@code source} (all files, {@code .git} included) to {@code target}. */
    void copyIn(Path source, String target);

    /**
     * How to run one command.
     *
     * @param cwd       working directory in the sandbox
     * @param env       environment added for this command
     * @param secretEnv environment holding secrets: passed to the process only
     * @param timeout   after which the command's process tree is killed
     */
    record ExecSpec(String cwd, Map<String, String> env, Map<String, SecretValue> secretEnv, Duration timeout) {
        public ExecSpec {
            Objects.requireNonNull(cwd, "cwd");
            env = Map.copyOf(env);
            secretEnv = Map.copyOf(secretEnv);
            Objects.requireNonNull(timeout, "timeout");
        }

        public static ExecSpec of(String cwd, Map<String, String> env, Duration timeout) {
            return new ExecSpec(cwd, env, Map.of(), timeout);
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
    record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
        public ExecResult {
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
