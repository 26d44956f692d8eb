package dev.sandboxjobs.engine;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What can be done in a sandbox, either through its default session ({@link Sandbox}) or through
 * a named one ({@link ExecutionSession}). Method names follow the Cloudflare Sandbox SDK.
 *
 * <p>Relative paths resolve against the session's working directory. Paths must not be empty or
 * contain NUL bytes ({@link ErrorCode#INVALID_PATH}).
 */
public interface SandboxOperations {

    // ----- commands

    /** Runs a shell command in the session and returns its result; see {@link #exec(String, ExecOptions)}. */
    default ExecResult exec(String command) {
        return exec(command, ExecOptions.DEFAULT);
    }

    /**
     * Runs a shell command in the session's shell: pipes, redirects and {@code &&} work, and
     * {@code cd} and {@code export} carry over to the next command. The command's standard input
     * is empty. A non-zero exit code is a result; a command that runs {@code exit 3} returns 3
     * and the session goes on working (its shell is recreated, keeping its directory and the
     * variables set through the API).
     *
     * @throws SandboxException {@link ErrorCode#COMMAND_TIMEOUT} when the timeout passes: the
     *                          command's process tree has been killed and the session is usable
     */
    ExecResult exec(String command, ExecOptions options);

    /** Runs a program without a shell; see {@link #exec(List, ExecOptions)}. */
    default ExecResult exec(List<String> argv) {
        return exec(argv, ExecOptions.DEFAULT);
    }

    /**
     * Runs a program with exactly {@code argv}, without a shell: no word splitting, globbing,
     * quoting or substitution ever applies to the arguments, so they can hold any user data
     * (a branch named {@code $(rm -rf ~)} is just a string). Use it whenever a command is built
     * from data; {@link #exec(String, ExecOptions)} is for shell command lines.
     *
     * <pre>{@code
     * ExecResult r = sandbox.exec(List.of("git", "clone", "--branch=" + branch, "--", url, "/workspace/repo"),
     *         ExecOptions.builder().timeout(Duration.ofMinutes(2)).env("GIT_TERMINAL_PROMPT", "0").build());
     * }</pre>
     *
     * <p>It runs as its own Docker exec, next to the session's shell rather than in it: it sees the
     * sandbox's and the session's environment and variables set through the API plus
     * {@code options.env()}, starts in {@code options.cwd()} (else the session's directory), and
     * neither reads nor changes the shell's state ({@code cd}/{@code export} done by earlier
     * commands). Calls may run in parallel. Options and results behave as for a shell command:
     * output is streamed to {@code onOutput} and capped in the result; a program that is not
     * found exits with 127, a directory that does not exist gives exit code 1.
     *
     * @throws SandboxException {@link ErrorCode#COMMAND_TIMEOUT} when the timeout passes: the program
     *                          and every process it started have been killed;
     *                          {@link ErrorCode#INVALID_ARGUMENT} for an empty argv or a NUL byte
     */
    ExecResult exec(List<String> argv, ExecOptions options);

    /** Streams a command's events; see {@link #execStream(String, ExecOptions)}. */
    default Stream<ExecEvent> execStream(String command) {
        return execStream(command, ExecOptions.DEFAULT);
    }

    /**
     * Starts a command and returns its events as they happen: {@code START}, output chunks, then
     * {@code COMPLETE} or {@code ERROR}. The stream is bounded: a slow consumer slows the command's
     * output down rather than filling memory. Close the stream (try-with-resources) to stop
     * following; closing before the end kills the command.
     */
    Stream<ExecEvent> execStream(String command, ExecOptions options);

    // ----- background processes

    default ProcessInfo startProcess(String command) {
        return startProcess(command, ProcessOptions.DEFAULT);
    }

    /**
     * Starts a shell command in the background, in its own process group, with its output written
     * to log files inside the container (so the logs outlive an engine restart). It gets the
     * environment set through the API (sandbox, session, options), not variables exported by
     * earlier commands of the session.
     */
    ProcessInfo startProcess(String command, ProcessOptions options);

    /** Every background process of the sandbox (of all sessions), oldest first. */
    List<ProcessInfo> listProcesses();

    /** @throws SandboxException {@link ErrorCode#PROCESS_NOT_FOUND} */
    ProcessInfo getProcess(String processId);

    /** Stops a process and its whole tree: SIGTERM, then SIGKILL after a grace period. */
    default void killProcess(String processId) {
        killProcess(processId, "TERM");
    }

    /**
     * Sends {@code signal} ({@code "TERM"}, {@code "SIGINT"}, {@code "9"}...) to the process's
     * whole process group; for TERM, INT, HUP and QUIT, escalates to SIGKILL if the group is still
     * alive after the grace period.
     *
     * @throws SandboxException {@link ErrorCode#PROCESS_NOT_FOUND}, {@link ErrorCode#INVALID_ARGUMENT}
     */
    void killProcess(String processId, String signal);

    /** Kills every running background process of the sandbox; returns how many were running. */
    int killAllProcesses();

    /** What a process wrote so far (also after it ended, and after an engine restart). */
    ProcessLogs getProcessLogs(String processId);

    /**
     * Follows a process's output from its start; the stream ends when the process ends. Close it
     * to stop following early.
     */
    Stream<LogEvent> streamProcessLogs(String processId);

    // ----- files

    /** Writes text as UTF-8, replacing the file; the parent directory must exist. */
    default void writeFile(String path, String content) {
        writeFile(path, content, FileEncoding.UTF_8);
    }

    /** Writes {@code content}, which is text or base64 according to {@code encoding}. */
    void writeFile(String path, String content, FileEncoding encoding);

    void writeFile(String path, byte[] content);

    /**
     * Streams {@code size} bytes from {@code content} into the file, without a copy on the host.
     *
     * @throws SandboxException {@link ErrorCode#PARENT_NOT_FOUND}, {@link ErrorCode#IS_A_DIRECTORY}
     */
    void writeFile(String path, InputStream content, long size);

    /**
     * Streams {@code content} of unknown length into the file, in bounded chunks.
     */
    void writeFile(String path, InputStream content);

    /** Reads a file as UTF-8 text. */
    default ReadFileResult readFile(String path) {
        return readFile(path, FileEncoding.UTF_8);
    }

    /**
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND}, {@link ErrorCode#IS_A_DIRECTORY}
     */
    ReadFileResult readFile(String path, FileEncoding encoding);

    byte[] readFileBytes(String path);

    /** The file's bytes as a stream straight from Docker; close it. */
    InputStream readFileStream(String path);

    default void mkdir(String path) {
        mkdir(path, false);
    }

    /**
     * Creates a directory; with {@code recursive}, its missing parents too and no error if it
     * exists.
     */
    void mkdir(String path, boolean recursive);

    /** Deletes a file (not a directory: {@link ErrorCode#IS_A_DIRECTORY}). */
    void deleteFile(String path);

    /** Renames a file or directory. */
    void renameFile(String oldPath, String newPath);

    /** Moves a file or directory; into {@code destinationPath} if it is a directory. */
    void moveFile(String sourcePath, String destinationPath);

    boolean exists(String path);

    /**
     * Copies a host directory into the sandbox as one streamed tar (no temporary archive on the
     * host): every file, hidden ones and {@code .git} included, with its permission bits;
     * symbolic links are copied as links, never followed; other special files are skipped.
     * {@code targetDir} is created if missing and existing files in it are replaced. The copies
     * belong to the sandbox's user, so that commands can change them.
     *
     * <pre>{@code
     * sandbox.copyIn(Path.of("/home/me/project"), "/workspace/project");
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND} when {@code hostDirectory} is not a
     *                          directory, {@link ErrorCode#NOT_A_DIRECTORY} when the target is a file
     */
    void copyIn(java.nio.file.Path hostDirectory, String targetDir);

    /** The entries of a directory, sorted by name. */
    List<FileInfo> listFiles(String path);

    // ----- git

    default GitCheckoutResult gitCheckout(String repoUrl) {
        return gitCheckout(repoUrl, GitCheckoutOptions.DEFAULT);
    }

    /**
     * Clones a repository into the sandbox.
     *
     * @throws SandboxException {@link ErrorCode#GIT_CHECKOUT_FAILED} with git's message (without
     *                          credentials)
     */
    GitCheckoutResult gitCheckout(String repoUrl, GitCheckoutOptions options);

    // ----- environment

    /**
     * Sets environment variables for the following commands: on a {@link Sandbox}, for every
     * session (where a session does not set the same name); on an {@link ExecutionSession}, for
     * that session. Stored with the sandbox, so they survive an engine restart.
     */
    void setEnvVars(Map<String, String> envVars);
}
