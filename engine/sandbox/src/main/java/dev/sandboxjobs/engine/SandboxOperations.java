package dev.sandboxjobs.engine;

import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The background processes of the sandbox whose status is one of those given, oldest first;
     * {@code listProcesses(ProcessStatus.RUNNING)} lists the running ones, as the seed's
     * {@code listProcesses()} does.
     *
     * <pre>{@code
     * for (ProcessInfo p : sandbox.listProcesses(ProcessStatus.RUNNING)) {
     *     System.out.println(p.id() + ": " + p.command() + " (pid " + p.pid() + ")");
     * }
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for a null status
     */
    default List<ProcessInfo> listProcesses(ProcessStatus status, ProcessStatus... more) {
        Set<ProcessStatus> wanted = EnumSet.noneOf(ProcessStatus.class);
        if (status == null || Arrays.asList(more).contains(null)) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A process status to list is null; use RUNNING,"
                    + " COMPLETED, FAILED or KILLED.");
        }
        wanted.add(status);
        wanted.addAll(Arrays.asList(more));
        return listProcesses().stream().filter(p -> wanted.contains(p.status())).toList();
    }

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
     * belong to the sandbox's user, so that commands can change them: the user extracts them
     * ({@code tar -x} in the sandbox, fed the stream on its stdin), so they only go where it may
     * write, as with its own {@code cp}; an image without {@code tar}, and a Docker host reached
     * over TLS or ssh, are copied into through Docker's archive endpoint (as root, after a check as
     * the user).
     *
     * <pre>{@code
     * sandbox.copyIn(Path.of("/home/me/project"), "/workspace/project");
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND} when {@code hostDirectory} is not a
     *                          directory, {@link ErrorCode#NOT_A_DIRECTORY} when the target is a file,
     *                          {@link ErrorCode#SANDBOX_ERROR} with tar's reason when the user may not
     *                          write a part of the target (what tar could write stays)
     */
    void copyIn(Path hostDirectory, String targetDir);

    /** The entries of a directory, sorted by name. */
    List<FileInfo> listFiles(String path);

    /** Watches a path (not its subdirectories); see {@link #watch(String, WatchOptions)}. */
    default FileWatch watch(String path) {
        return watch(path, WatchOptions.DEFAULT);
    }

    /** Watches a path, with its subdirectories when {@code recursive}; see {@link #watch(String, WatchOptions)}. */
    default FileWatch watch(String path, boolean recursive) {
        return watch(path, WatchOptions.builder().recursive(recursive).build());
    }

    /**
     * Watches a directory (or a file) for changes: create, modify, delete and moves, streamed as
     * they happen (inotify in the container, by a small watcher the engine runs there with the
     * image's {@code python3}). Returns once the watch is established, so every change made after
     * it returns is seen.
     *
     * <pre>{@code
     * try (FileWatch watch = sandbox.watch("/workspace", WatchOptions.builder().recursive(true)
     *         .exclude("node_modules", ".git").build())) {
     *     watch.events().limit(10).forEach(e -> System.out.println(e.type() + " " + e.path()));
     * }
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND} when the path does not exist,
     *     {@link ErrorCode#INVALID_PATH} for an empty path or a NUL byte
     */
    FileWatch watch(String path, WatchOptions options);

    // ----- directory backups (see README, "Backups and snapshots")

    /** Backs up a directory with the default options; see {@link #createBackup(String, BackupOptions)}. */
    default DirectoryBackup createBackup(String dir) {
        return createBackup(dir, BackupOptions.DEFAULT);
    }

    /**
     * Makes a point-in-time copy of a directory (relative paths resolve against the session's
     * directory), stored compressed by the engine until its ttl passes. Files, directories,
     * symbolic links, modes and owners are kept; named excludes and, with {@code gitignore}, what
     * git ignores are left out.
     *
     * <pre>{@code
     * DirectoryBackup backup = sandbox.createBackup("/workspace", BackupOptions.builder().exclude("node_modules").build());
     * sandbox.exec("rm -rf /workspace/*");
     * sandbox.restoreBackup(backup);
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#PATH_NOT_ALLOWED} for a directory outside /workspace,
     *     /home, /tmp, /var/tmp and /app; {@link ErrorCode#FILE_NOT_FOUND} when it does not exist;
     *     {@link ErrorCode#NOT_A_DIRECTORY} for a file; {@link ErrorCode#BUCKET_UNAVAILABLE} when the
     *     engine keeps backups in a bucket that does not answer
     */
    DirectoryBackup createBackup(String dir, BackupOptions options);

    /** Restores a backup into the directory it was made of; see {@link #restoreBackup(DirectoryBackup, String)}. */
    default void restoreBackup(DirectoryBackup backup) {
        if (backup == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The backup to restore is null.");
        }
        restoreBackup(backup, backup.dir());
    }

    /**
     * Puts a backup (made in this sandbox or another one of the engine) back into {@code targetDir}:
     * the directory is created if missing and then holds exactly the backup's files; what it held
     * besides is removed. The backup is extracted first, into a hidden directory inside the target,
     * and the target's content is replaced only once all of it is there: a restore that fails
     * (an archive that cannot be read to its end, a full disk) leaves the directory as it was.
     *
     * @throws SandboxException {@link ErrorCode#BACKUP_NOT_FOUND} for a backup deleted, expired or
     *     unknown to this engine's storage; {@link ErrorCode#PATH_NOT_ALLOWED} for a target outside
     *     the allowed directories
     */
    void restoreBackup(DirectoryBackup backup, String targetDir);

    // ----- bucket mounts (see README, "Bucket mounts")

    /**
     * Makes an S3-compatible bucket (or a prefix of it) appear as the directory {@code mountPath}
     * of the sandbox, without FUSE and without giving the sandbox any privilege, network access or
     * credentials: the engine copies the objects in (streamed, up to {@link MountBucketOptions#maxBytes()}),
     * and for a read-write mount watches the directory and uploads each file when it is written and
     * closed, deletes the objects of deleted files and the old names of moved ones. Objects changed
     * in the bucket by others after the mount are not seen. {@link #unmountBucket} waits for the
     * uploads, then empties the directory.
     *
     * <pre>{@code
     * sandbox.mountBucket("datasets", "/data", MountBucketOptions.builder()
     *         .endpoint("https://s3.example.com").credentials(keyId, secret).readOnly(true).build());
     * sandbox.exec("python3 train.py /data/train.csv");
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#BUCKET_UNAVAILABLE} when the bucket does not answer,
     *     refuses the credentials or does not exist; {@link ErrorCode#PATH_NOT_ALLOWED} for a system
     *     directory ({@code /}, {@code /etc}, {@code /usr}...); {@link ErrorCode#INVALID_ARGUMENT} when
     *     the directory holds files, is already a mount, or the bucket holds more than {@code maxBytes}
     */
    void mountBucket(String bucket, String mountPath, MountBucketOptions options);

    /**
     * Ends a mount: waits until every change made before the call is uploaded (read-write mounts),
     * then empties the directory.
     *
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND} when no bucket is mounted there;
     *     {@link ErrorCode#BUCKET_UNAVAILABLE} when an upload failed (the message lists the files)
     */
    void unmountBucket(String mountPath);

    /** The buckets mounted in the sandbox by this engine. */
    List<BucketMount> listBucketMounts();

    // ----- remote functions

    /**
     * Runs a function in this sandbox with {@code args} as its JSON arguments and returns its JSON
     * return value: as an argv (no shell), in this session's directory, with the sandbox's, the
     * session's and the function's environment variables (the function's win). What it prints is
     * in the result. Its errors are exceptions here, as in the CoreWeave seed's
     * {@code .remote(...).result()}.
     *
     * <pre>{@code
     * RemoteFunction add = RemoteFunction.python("def add(a, b):\n    return a + b", "add");
     * int sum = sandbox.callFunction(add, 2, 40).as(Integer.class);   // 42
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#FUNCTION_FAILED} when the function raised (a
     *     {@link RemoteFunctionException} with the type, message and traceback), its Java source does
     *     not compile (javac's diagnostics), its result is not JSON or it ended without one;
     *     {@link ErrorCode#COMMAND_TIMEOUT} past {@link RemoteFunction#timeout()};
     *     {@link ErrorCode#INVALID_ARGUMENT} for arguments that are not JSON;
     *     {@link ErrorCode#TOOLCHAIN_MISSING} for a Java function in an image without a JDK
     */
    FunctionResult callFunction(RemoteFunction function, Object... args);

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

    // ----- code interpreter (see docs/code-interpreter.md)

    /**
     * Creates a code context: an interpreter (Python, JavaScript or TypeScript) whose variables,
     * imports and functions persist between {@link #runCode} calls and are isolated from other
     * contexts. It starts in {@code options.cwd()}, else in this session's working directory, with
     * the sandbox's environment, this session's and {@code options.envVars()} over it.
     *
     * <pre>{@code
     * CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
     * sandbox.runCode("x = 21", RunCodeOptions.in(ctx));
     * sandbox.runCode("x * 2", RunCodeOptions.in(ctx)).text(); // "42"
     * }</pre>
     *
     * <p>Contexts live in their interpreter processes: when the sandbox sleeps, its container
     * restarts or the engine restarts, they are lost, and using one gives
     * {@link ErrorCode#CONTEXT_NOT_FOUND} with a message saying why.
     *
     * @throws SandboxException {@link ErrorCode#INTERPRETER_UNAVAILABLE} when the image has no executors
     */
    CodeContext createCodeContext(CreateContextOptions options);

    /** A Python context in the session's working directory. */
    default CodeContext createCodeContext() {
        return createCodeContext(CreateContextOptions.defaults());
    }

    /**
     * Runs code in {@code options.context()}, or in this session's default context of
     * {@code options.language()} (created on first use, in the session's directory and
     * environment). Errors raised by the code are data ({@link Execution#error()}), not exceptions.
     *
     * <pre>{@code
     * Execution run = sandbox.runCode("import pandas as pd\npd.DataFrame({'a': [1, 2]})");
     * run.results().get(0).html(); // "<table ..."
     * }</pre>
     *
     * @throws SandboxException {@link ErrorCode#CONTEXT_NOT_FOUND} for a deleted or lost context
     */
    Execution runCode(String code, RunCodeOptions options);

    /** Runs Python code in the default Python context. */
    default Execution runCode(String code) {
        return runCode(code, RunCodeOptions.defaults());
    }

    /** The live code contexts of the sandbox (of every session), oldest first (default contexts once used). */
    List<CodeContext> listCodeContexts();

    /**
     * Deletes a code context and stops its interpreter.
     *
     * @throws SandboxException {@link ErrorCode#CONTEXT_NOT_FOUND}
     */
    void deleteCodeContext(String contextId);

    // ----- ports (see docs/preview-urls.md)

    /**
     * Exposes a port of the sandbox at a preview URL served by the engine's proxy (started on first
     * use). The URL carries an unguessable token: treat it as a secret. The service must listen on
     * {@code 0.0.0.0}. Exposing an exposed port again returns the same URL.
     *
     * <pre>{@code
     * sandbox.startProcess("python3 -m http.server 8000");
     * String url = sandbox.exposePort(8000, "web").exposedAt();
     * }</pre>
     *
     * @param port 1024 to 65535
     * @param name a friendly name, or null
     * @throws SandboxException {@link ErrorCode#NETWORK_DISABLED} for a sandbox with
     *     {@link NetworkMode#NONE}, {@link ErrorCode#INVALID_ARGUMENT} for a port out of range
     */
    ExposedPort exposePort(int port, String name);

    /** Exposes a port with no name. */
    default ExposedPort exposePort(int port) {
        return exposePort(port, null);
    }

    /**
     * Closes a port's preview URL.
     *
     * @throws SandboxException {@link ErrorCode#PORT_NOT_EXPOSED}
     */
    void unexposePort(int port);

    /** The exposed ports of the sandbox (sessions share ports), in the order they were exposed. */
    List<ExposedPort> getExposedPorts();
}
