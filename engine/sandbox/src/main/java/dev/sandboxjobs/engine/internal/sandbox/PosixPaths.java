package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.util.ArrayDeque;
import java.util.Deque;

/** Container paths: validation and resolution against a session's directory. */
final class PosixPaths {
    private PosixPaths() {}

    /** The absolute, normalized form of {@code path} ({@code .} and {@code ..} folded). */
    static String resolve(String path, String cwd) {
        if (path == null || path.isEmpty()) {
            throw new SandboxException(ErrorCode.INVALID_PATH, "The path is empty. Give an absolute path or one relative to the session's directory.");
        }
        if (path.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_PATH, "The path contains a NUL byte, which no file name can hold. Remove it.");
        }
        String full = path.startsWith("/") ? path : (cwd == null ? "/" : cwd) + "/" + path;
        Deque<String> parts = new ArrayDeque<>();
        for (String part : full.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    static String parent(String absolute) {
        int i = absolute.lastIndexOf('/');
        return i <= 0 ? "/" : absolute.substring(0, i);
    }

    static String name(String absolute) {
        return absolute.substring(absolute.lastIndexOf('/') + 1);
    }
}
