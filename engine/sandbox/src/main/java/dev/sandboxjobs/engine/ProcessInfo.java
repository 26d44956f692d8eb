package dev.sandboxjobs.engine;

import java.time.Instant;

/**
 * A background process started with {@code startProcess}.
 *
 * @param id        the engine's id of the process, unique in its sandbox
 * @param pid       the process id in the container; it leads the process group that
 *                  {@code killProcess} stops
 * @param command   the command as given
 * @param status    its state when this value was read
 * @param exitCode  the exit code once it ended by itself, else null
 * @param sessionId the session that started it (deleting the session does not stop it)
 * @param startTime when it started
 */
public record ProcessInfo(
        String id,
        int pid,
        String command,
        ProcessStatus status,
        Integer exitCode,
        String sessionId,
        Instant startTime) {}
