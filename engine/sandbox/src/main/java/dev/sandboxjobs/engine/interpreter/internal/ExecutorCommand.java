package dev.sandboxjobs.engine.interpreter.internal;

import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import java.util.List;
import java.util.Map;

/**
 * The argv, environment and working directory of an executor process.
 *
 * @param argv the command, run as given (no shell parses user data)
 * @param env extra environment variables for the process
 * @param workingDir the directory it starts in, or null for the container's default
 */
record ExecutorCommand(List<String> argv, Map<String, String> env, String workingDir) {
    /** Where the runtime image installs the executors ({@code runtime-image/src/main/docker/helpers/interpreter}). */
    public static final String INSTALL_DIR = "/opt/sandbox-jobs/interpreter";

    public ExecutorCommand {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /**
     * The executor of a language as installed in the runtime image. The JavaScript executor's
     * shell wrapper is a constant: it moves the protocol to fd 3 (the exec's stdout) and sends
     * the process's own fd 1 to stderr, so child processes cannot break the framing.
     */
    public static ExecutorCommand forLanguage(CodeLanguage language, String installDir, String workingDir) {
        String dir = installDir == null ? INSTALL_DIR : installDir;
        return switch (language) {
            case PYTHON -> new ExecutorCommand(
                    List.of("python3", dir + "/python_executor.py"),
                    Map.of("PYTHONUNBUFFERED", "1", "PYTHONIOENCODING", "utf-8"),
                    workingDir);
            case JAVASCRIPT -> new ExecutorCommand(
                    List.of("sh", "-c", "exec node " + dir + "/javascript_executor.js 3>&1 1>&2"),
                    Map.of(),
                    workingDir);
            // the same executor, removing each cell's types with the TypeScript compiler first
            case TYPESCRIPT -> new ExecutorCommand(
                    List.of("sh", "-c", "exec node " + dir + "/javascript_executor.js --typescript 3>&1 1>&2"),
                    Map.of(),
                    workingDir);
        };
    }
}
