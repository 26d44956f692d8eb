package dev.sandboxjobs.engine;

import java.time.Instant;

/**
 * One event of {@link SandboxOperations#execStream(String, ExecOptions)}: {@code START}, then
 * {@code STDOUT}/{@code STDERR} chunks as they are written, then {@code COMPLETE} (with the exit
 * code and the result) or {@code ERROR} (with the exception, for a timeout for example).
 *
 * @param type      what happened
 * @param command   the command
 * @param data      the output chunk ({@code STDOUT}, {@code STDERR}), else null
 * @param exitCode  the exit code ({@code COMPLETE}), else null
 * @param result    the whole result ({@code COMPLETE}), else null
 * @param error     the fault ({@code ERROR}), else null
 * @param timestamp when the event was seen
 */
public record ExecEvent(
        Type type,
        String command,
        String data,
        Integer exitCode,
        ExecResult result,
        SandboxException error,
        Instant timestamp) {

    /** The kinds of events, named as in the seed. */
    public enum Type { START, STDOUT, STDERR, COMPLETE, ERROR }

    public static ExecEvent start(String command) {
        return new ExecEvent(Type.START, command, null, null, null, null, Instant.now());
    }

    public static ExecEvent output(StreamType stream, String command, String data) {
        return new ExecEvent(stream == StreamType.STDOUT ? Type.STDOUT : Type.STDERR, command, data, null, null, null, Instant.now());
    }

    public static ExecEvent complete(ExecResult result) {
        return new ExecEvent(Type.COMPLETE, result.command(), null, result.exitCode(), result, null, Instant.now());
    }

    public static ExecEvent error(String command, SandboxException error) {
        return new ExecEvent(Type.ERROR, command, null, null, null, error, Instant.now());
    }
}
