package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.LogEvent;
import dev.sandboxjobs.engine.ProcessInfo;
import dev.sandboxjobs.engine.ProcessLogs;
import dev.sandboxjobs.engine.ProcessOptions;
import dev.sandboxjobs.engine.ProcessStatus;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import dev.sandboxjobs.storage.sandbox.ProcessRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Background processes: detached process groups whose logs live in files inside the container. */
final class ProcessOps {
    private static final Pattern SIGNAL = Pattern.compile("[A-Z0-9]{1,10}");
    private static final Set<String> ESCALATING = Set.of("TERM", "INT", "HUP", "QUIT", "15", "2", "1", "3");
    /** Grace before SIGKILL, in tenths of a second. */
    private static final int GRACE_TENTHS = 30;

    private final SandboxRuntime sandbox;

    ProcessOps(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    ProcessInfo start(SessionState session, String command, ProcessOptions options) {
        if (command == null || command.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The command is null or contains a NUL byte.");
        }
        SandboxRuntime.validateEnv(options.env());
        String cwd = PosixPaths.resolve(options.cwd() != null ? options.cwd() : session.cwd(), session.cwd());
        String id = "proc-" + HexFormat.of().formatHex(SandboxRuntime.randomBytes(6));
        String dir = Scripts.PROC_DIR + "/" + id;
        return sandbox.call(() -> {
            ExecOutput out = sandbox.containers.exec(sandbox.containerId(),
                    List.of("bash", "-c", Scripts.START_PROCESS, "sj-start", dir, command),
                    sandbox.execEnv(session.env(), options.env()), cwd, 4096);
            if (out.exitCode() != 0) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Could not start the process: " + out.stderrText());
            }
            int pid = Integer.parseInt(out.stdoutText().trim());
            long now = sandbox.clock.millis();
            sandbox.repo.insertProcess(new ProcessRecord(sandbox.id, id, pid, command, session.id,
                    sandbox.generation(), ProcessStatus.RUNNING.name(), null, now));
            return new ProcessInfo(id, pid, command, ProcessStatus.RUNNING, null, session.id, Instant.ofEpochMilli(now));
        });
    }

    List<ProcessInfo> list() {
        return sandbox.call(() -> refresh(sandbox.repo.listProcesses(sandbox.id)));
    }

    ProcessInfo get(String processId) {
        ProcessRecord rec = record(processId);
        return sandbox.call(() -> refresh(List.of(rec)).get(0));
    }

    void kill(String processId, String signal) {
        String sig = normalizeSignal(signal);
        ProcessRecord rec = record(processId);
        sandbox.call(() -> {
            ProcessInfo now = refresh(List.of(rec)).get(0);
            if (now.status().isTerminal()) {
                return null;
            }
            boolean escalate = ESCALATING.contains(sig);
            ExecOutput out = sandbox.containers.exec(sandbox.containerId(), List.of("bash", "-c", Scripts.KILL_GROUP,
                    "sj-killpg", Integer.toString(rec.pid()), sig, escalate ? "1" : "0", Integer.toString(GRACE_TENTHS)),
                    List.of(), null, 4096);
            if (escalate || sig.equals("KILL") || sig.equals("9") || out.exitCode() == 3) {
                sandbox.repo.updateProcessStatus(sandbox.id, processId, ProcessStatus.KILLED.name(), null);
            }
            return null;
        });
    }

    int killAll() {
        int count = 0;
        for (ProcessInfo p : list()) {
            if (p.status() == ProcessStatus.RUNNING) {
                kill(p.id(), "TERM");
                count++;
            }
        }
        return count;
    }

    ProcessLogs logs(FileOps files, String processId) {
        record(processId);
        String dir = Scripts.PROC_DIR + "/" + processId;
        long max = sandbox.settings.maxOutputBytes();
        return new ProcessLogs(processId, readCapped(files, dir + "/stdout", max), readCapped(files, dir + "/stderr", max));
    }

    private static String readCapped(FileOps files, String path, long max) {
        try (InputStream in = files.open(path)) {
            byte[] head = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max));
            boolean more = in.read() >= 0;
            String text = new String(head, StandardCharsets.UTF_8);
            return more ? text + ExecResult.TRUNCATION_MARKER : text;
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.FILE_NOT_FOUND) {
                return "";
            }
            throw e;
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Reading the logs failed: " + e.getMessage(), e);
        }
    }

    Stream<LogEvent> stream(String processId) {
        ProcessRecord rec = record(processId);
        String dir = Scripts.PROC_DIR + "/" + processId;
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(256);
        Object end = new Object();
        ResultCallback.Adapter<Frame> callback = sandbox.call(() -> {
            var create = sandbox.containers.client().execCreateCmd(sandbox.containerId());
            String user = sandbox.containers.userOf(sandbox.containerId());
            if (user != null) {
                create.withUser(user);
            }
            String execId = create
                    .withCmd("bash", "-c", Scripts.FOLLOW_LOGS, "sj-follow", dir,
                            Integer.toString(rec.generation() == sandbox.generation() ? rec.pid() : 1))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            return sandbox.containers.client().execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    StreamType type = frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR
                            ? StreamType.STDERR : StreamType.STDOUT;
                    put(queue, new LogEvent(processId, type, new String(frame.getPayload(), StandardCharsets.UTF_8), Instant.now()));
                }

                @Override
                public void onComplete() {
                    put(queue, end);
                    super.onComplete();
                }

                @Override
                public void onError(Throwable t) {
                    put(queue, end);
                    super.onError(t);
                }
            });
        });
        Iterator<LogEvent> it = new Iterator<>() {
            Object next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        next = end;
                    }
                }
                return next != end;
            }

            @Override
            public LogEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                LogEvent e = (LogEvent) next;
                next = null;
                return e;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false)
                .onClose(() -> {
                    try {
                        callback.close();
                    } catch (IOException ignored) {
                        // closing a finished stream
                    }
                });
    }

    private static void put(BlockingQueue<Object> queue, Object item) {
        try {
            while (!queue.offer(item, 1, TimeUnit.SECONDS)) {
                // the consumer is slow: wait (bounded memory) unless it went away
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ProcessRecord record(String processId) {
        if (processId == null) {
            throw new SandboxException(ErrorCode.PROCESS_NOT_FOUND, "The process id is null.");
        }
        return sandbox.repo.findProcess(sandbox.id, processId).orElseThrow(() -> new SandboxException(
                ErrorCode.PROCESS_NOT_FOUND, "Sandbox " + sandbox.id + " has no process '" + processId
                + "'. List them with listProcesses()."));
    }

    /** Reads the live state of processes not yet known to have ended, and stores what changed. */
    private List<ProcessInfo> refresh(List<ProcessRecord> records) {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", Scripts.PROCESS_STATES, "sj-ps"));
        for (ProcessRecord r : records) {
            if (r.status().equals(ProcessStatus.RUNNING.name()) && r.generation() == sandbox.generation()) {
                argv.add(r.id());
                argv.add(Integer.toString(r.pid()));
            }
        }
        Map<String, String> states = new HashMap<>();
        if (argv.size() > 4) {
            ExecOutput out = sandbox.runInternal(argv, 1 << 20);
            for (String line : out.stdoutText().split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    states.put(line.substring(0, sp), line.substring(sp + 1).trim());
                }
            }
        }
        List<ProcessInfo> result = new ArrayList<>();
        for (ProcessRecord r : records) {
            ProcessStatus status = ProcessStatus.valueOf(r.status());
            Integer exit = r.exitCode();
            if (status == ProcessStatus.RUNNING) {
                String state = r.generation() != sandbox.generation() ? "gone" : states.getOrDefault(r.id(), "gone");
                if (state.startsWith("exit ")) {
                    exit = Integer.parseInt(state.substring(5).trim());
                    status = exit == 0 ? ProcessStatus.COMPLETED : ProcessStatus.FAILED;
                } else if (state.equals("gone")) {
                    status = ProcessStatus.KILLED;
                }
                if (status != ProcessStatus.RUNNING) {
                    sandbox.repo.updateProcessStatus(sandbox.id, r.id(), status.name(), exit);
                }
            }
            result.add(new ProcessInfo(r.id(), r.pid(), r.command(), status, exit, r.sessionId(),
                    Instant.ofEpochMilli(r.startedAt())));
        }
        return result;
    }

    /**
     * Whether a background process of the current container still runs, asked of the container
     * without counting as activity (the idle sleeper calls it). False if the container cannot say.
     */
    boolean anyRunning() {
        List<ProcessRecord> candidates = sandbox.repo.listProcesses(sandbox.id).stream()
                .filter(r -> r.status().equals(ProcessStatus.RUNNING.name()) && r.generation() == sandbox.generation())
                .toList();
        if (candidates.isEmpty()) {
            return false;
        }
        try {
            return refresh(candidates).stream().anyMatch(p -> p.status() == ProcessStatus.RUNNING);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String normalizeSignal(String signal) {
        String s = signal == null ? "TERM" : signal.trim().toUpperCase();
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (!SIGNAL.matcher(s).matches()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + signal
                    + "' is not a signal. Use a name such as TERM, INT, KILL or a number.");
        }
        return s;
    }
}
