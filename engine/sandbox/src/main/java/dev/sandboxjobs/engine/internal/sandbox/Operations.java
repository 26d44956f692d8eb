package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecEvent;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.ExposedPort;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.FileEncoding;
import dev.sandboxjobs.engine.FileInfo;
import dev.sandboxjobs.engine.BucketMount;
import dev.sandboxjobs.engine.MountBucketOptions;
import dev.sandboxjobs.engine.FunctionResult;
import dev.sandboxjobs.engine.RemoteFunction;
import dev.sandboxjobs.engine.BackupOptions;
import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.FileWatch;
import dev.sandboxjobs.engine.WatchOptions;
import dev.sandboxjobs.engine.GitCheckoutOptions;
import dev.sandboxjobs.engine.GitCheckoutResult;
import dev.sandboxjobs.engine.LogEvent;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.ProcessLogs;
import dev.sandboxjobs.engine.ProcessOptions;
import dev.sandboxjobs.engine.ReadFileResult;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxOperations;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The operations of a sandbox bound to one of its sessions; the base of both kinds of handles. */
abstract class Operations implements SandboxOperations {
    final SandboxRuntime sandbox;
    final ExecutorService executor;
    private final FileOps files;
    private final SessionCode code;
    private volatile boolean closed;

    Operations(SandboxRuntime sandbox, ExecutorService executor) {
        this.sandbox = sandbox;
        this.executor = executor;
        this.files = new FileOps(sandbox);
        this.code = new SessionCode(sandbox);
    }

    abstract String sessionId();

    SessionState session() {
        if (closed) {
            throw new SandboxException(ErrorCode.CLOSED, "This handle on sandbox " + sandbox.id
                    + " was closed. Get a new one with engine.getSandbox(id).");
        }
        return sandbox.session(sessionId());
    }

    void markClosed() {
        closed = true;
    }

    private String path(String path) {
        return PosixPaths.resolve(path, session().cwd());
    }

    @Override
    public ExecResult exec(String command, ExecOptions options) {
        return session().exec(command, options == null ? ExecOptions.DEFAULT : options);
    }

    @Override
    public ExecResult exec(List<String> argv, ExecOptions options) {
        return session().execArgv(argv, options == null ? ExecOptions.DEFAULT : options);
    }

    @Override
    public Stream<ExecEvent> execStream(String command, ExecOptions options) {
        ExecOptions base = options == null ? ExecOptions.DEFAULT : options;
        SessionState session = session();
        BlockingQueue<ExecEvent> queue = new ArrayBlockingQueue<>(256);
        AtomicBoolean closedByConsumer = new AtomicBoolean();
        OutputListener forward = (stream, data) -> {
            base.onOutput().onOutput(stream, data);
            offer(queue, ExecEvent.output(stream, command, data), closedByConsumer);
        };
        ExecOptions withStream = ExecOptions.builder().env(base.env()).cwd(base.cwd()).timeout(base.timeout())
                .onOutput(forward).build();
        ExecOptions effective = base.maxOutputBytes() == null ? withStream
                : ExecOptions.builder().env(base.env()).cwd(base.cwd()).timeout(base.timeout())
                        .onOutput(forward).maxOutputBytes(base.maxOutputBytes()).build();
        offer(queue, ExecEvent.start(command), closedByConsumer);
        Future<?> task = executor.submit(() -> {
            try {
                ExecResult r = session.exec(command, effective);
                offer(queue, ExecEvent.complete(r), closedByConsumer);
            } catch (SandboxException e) {
                offer(queue, ExecEvent.error(command, e), closedByConsumer);
            } catch (RuntimeException e) {
                offer(queue, ExecEvent.error(command, new SandboxException(ErrorCode.SANDBOX_ERROR, String.valueOf(e.getMessage()), e)), closedByConsumer);
            }
        });
        Iterator<ExecEvent> it = new Iterator<>() {
            ExecEvent next;
            boolean finished;

            @Override
            public boolean hasNext() {
                if (next == null && !finished) {
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return next != null;
            }

            @Override
            public ExecEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ExecEvent e = next;
                next = null;
                if (e.type() == ExecEvent.Type.COMPLETE || e.type() == ExecEvent.Type.ERROR) {
                    finished = true;
                }
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
                .onClose(() -> {
                    closedByConsumer.set(true);
                    queue.clear();
                    if (!task.isDone()) {
                        session.interruptCurrent();
                    }
                });
    }

    private static void offer(BlockingQueue<ExecEvent> queue, ExecEvent event, AtomicBoolean consumerGone) {
        try {
            while (!consumerGone.get() && !queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
                // wait for the consumer: backpressure instead of unbounded memory
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public ProcessInfo startProcess(String command, ProcessOptions options) {
        return sandbox.processes.start(session(), command, options == null ? ProcessOptions.DEFAULT : options);
    }

    @Override
    public List<ProcessInfo> listProcesses() {
        session();
        return sandbox.processes.list();
    }

    @Override
    public ProcessInfo getProcess(String processId) {
        session();
        return sandbox.processes.get(processId);
    }

    @Override
    public void killProcess(String processId, String signal) {
        session();
        sandbox.processes.kill(processId, signal);
    }

    @Override
    public int killAllProcesses() {
        session();
        return sandbox.processes.killAll();
    }

    @Override
    public ProcessLogs getProcessLogs(String processId) {
        session();
        return sandbox.processes.logs(files, processId);
    }

    @Override
    public Stream<LogEvent> streamProcessLogs(String processId) {
        session();
        return sandbox.processes.stream(processId);
    }

    @Override
    public void writeFile(String path, String content, FileEncoding encoding) {
        if (content == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The content is null.");
        }
        byte[] bytes;
        if (encoding == FileEncoding.BASE64) {
            try {
                bytes = Base64.getDecoder().decode(content);
            } catch (IllegalArgumentException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The content is not valid base64: " + e.getMessage(), e);
            }
        } else {
            bytes = content.getBytes(StandardCharsets.UTF_8);
        }
        writeFile(path, bytes);
    }

    @Override
    public void writeFile(String path, byte[] content) {
        files.write(path(path), content);
    }

    @Override
    public void writeFile(String path, InputStream content, long size) {
        files.write(path(path), content, size);
    }

    @Override
    public void writeFile(String path, InputStream content) {
        files.write(path(path), content);
    }

    @Override
    public ReadFileResult readFile(String path, FileEncoding encoding) {
        String abs = path(path);
        byte[] bytes = files.readAll(abs);
        String content = encoding == FileEncoding.BASE64 ? Base64.getEncoder().encodeToString(bytes)
                : new String(bytes, StandardCharsets.UTF_8);
        return new ReadFileResult(abs, content, encoding == null ? FileEncoding.UTF_8 : encoding, bytes.length);
    }

    @Override
    public byte[] readFileBytes(String path) {
        return files.readAll(path(path));
    }

    @Override
    public InputStream readFileStream(String path) {
        return files.open(path(path));
    }

    @Override
    public void mkdir(String path, boolean recursive) {
        files.mkdir(path(path), recursive);
    }

    @Override
    public void deleteFile(String path) {
        files.delete(path(path));
    }

    @Override
    public void renameFile(String oldPath, String newPath) {
        files.rename(path(oldPath), path(newPath));
    }

    @Override
    public void moveFile(String sourcePath, String destinationPath) {
        files.move(path(sourcePath), path(destinationPath));
    }

    @Override
    public boolean exists(String path) {
        return files.exists(path(path));
    }

    @Override
    public void copyIn(Path hostDirectory, String targetDir) {
        if (hostDirectory == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The host directory is null.");
        }
        files.copyIn(hostDirectory, path(targetDir));
    }

    @Override
    public List<FileInfo> listFiles(String path) {
        return files.list(path(path));
    }

    @Override
    public DirectoryBackup createBackup(String dir, BackupOptions options) {
        return DirectoryBackups.create(sandbox, sandbox.services.backups(), path(dir),
                options == null ? BackupOptions.DEFAULT : options);
    }

    @Override
    public void restoreBackup(DirectoryBackup backup, String targetDir) {
        DirectoryBackups.restore(sandbox, sandbox.services.backups(), backup, path(targetDir));
    }

    @Override
    public FunctionResult callFunction(RemoteFunction function, Object... args) {
        return RemoteFunctions.call(sandbox, session(), function, args == null ? List.of() : Arrays.asList(args));
    }

    @Override
    public void mountBucket(String bucket, String mountPath, MountBucketOptions options) {
        session();
        sandbox.buckets.mount(sandbox, bucket, path(mountPath), options);
    }

    @Override
    public void unmountBucket(String mountPath) {
        session();
        sandbox.buckets.unmount(path(mountPath));
    }

    @Override
    public List<BucketMount> listBucketMounts() {
        session();
        return sandbox.buckets.list();
    }

    @Override
    public FileWatch watch(String path, WatchOptions options) {
        return RealFileWatch.start(sandbox, path(path), options == null ? WatchOptions.DEFAULT : options);
    }

    @Override
    public GitCheckoutResult gitCheckout(String repoUrl, GitCheckoutOptions options) {
        GitCheckoutOptions o = options == null ? GitCheckoutOptions.DEFAULT : options;
        if (repoUrl == null || repoUrl.isBlank() || repoUrl.indexOf('\0') >= 0 || repoUrl.startsWith("-")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + repoUrl + "' is not a repository URL.");
        }
        if (o.depth() != null && o.depth() < 1) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The depth must be at least 1.");
        }
        SessionState session = session();
        String target = o.targetDir() != null ? path(o.targetDir()) : path(repoName(repoUrl));
        List<String> argv = List.of("bash", "-c", Scripts.GIT_CHECKOUT, "sj-git", repoUrl, target,
                o.branch() == null ? "" : o.branch(), o.depth() == null ? "" : o.depth().toString());
        String token = o.token() == null ? null : o.token().reveal();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("GIT_TERMINAL_PROMPT", "0");
        if (token != null) {
            extra.put("SJ_GIT_TOKEN", token);
        }
        ExecOutput out = sandbox.call(() -> sandbox.containers.exec(sandbox.containerId(), argv,
                sandbox.execEnv(session.env(), extra), session.cwd(), 1 << 20));
        if (out.exitCode() != 0) {
            String message = out.stderrText();
            if (token != null && !token.isEmpty()) {
                message = message.replace(token, "****");
            }
            throw new SandboxException(ErrorCode.GIT_CHECKOUT_FAILED, "git could not check out " + repoUrl
                    + (o.branch() == null ? "" : " (branch " + o.branch() + ")") + " into " + target + ": " + message
                    + ". Check the URL, the branch and the credentials.");
        }
        String[] lines = out.stdoutText().split("\n", -1);
        String commit = lines.length > 0 ? lines[0].trim() : "";
        String branch = lines.length > 1 && !lines[1].isBlank() ? lines[1].trim() : null;
        return new GitCheckoutResult(repoUrl, target, branch, commit);
    }

    // ----- code interpreter and ports: bound to this handle's session (SessionCode)

    @Override
    public CodeContext createCodeContext(CreateContextOptions options) {
        return code.create(session(), options);
    }

    @Override
    public Execution runCode(String source, RunCodeOptions options) {
        return code.run(session(), source, options);
    }

    @Override
    public List<CodeContext> listCodeContexts() {
        session();
        return code.list();
    }

    @Override
    public void deleteCodeContext(String contextId) {
        session();
        code.delete(contextId);
    }

    @Override
    public ExposedPort exposePort(int port, String name) {
        session();
        return sandbox.services.previews().expose(sandbox, port, name);
    }

    @Override
    public void unexposePort(int port) {
        session();
        sandbox.services.previews().unexpose(sandbox, port);
    }

    @Override
    public List<ExposedPort> getExposedPorts() {
        session();
        return sandbox.services.previews().exposedPorts(sandbox);
    }

    private static String repoName(String url) {
        String u = url.replaceAll("/+$", "");
        String name = u.substring(Math.max(u.lastIndexOf('/'), u.lastIndexOf(':')) + 1);
        if (name.endsWith(".git")) {
            name = name.substring(0, name.length() - 4);
        }
        return name.isEmpty() ? "repo" : name;
    }
}
