package dev.sandboxjobs.engine.internal.sandbox;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Glob patterns over paths relative to a root, as in {@code .gitignore}: a pattern without
 * {@code /} matches a name at any depth; one with {@code /} matches the relative path from the
 * root ({@code **} crosses directories). A path is matched when it or one of its ancestors is, so
 * excluding a directory excludes its subtree.
 */
final class Globs {
    private final List<PathMatcher> byName = new ArrayList<>();
    private final List<PathMatcher> byPath = new ArrayList<>();

    Globs(List<String> patterns) {
        for (String raw : patterns) {
            String p = raw.startsWith("/") ? raw.substring(1) : raw;
            p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
            if (p.startsWith("**/")) {
                byName.add(matcher(p.substring(3)));
                byPath.add(matcher(p));
            } else if (p.contains("/")) {
                byPath.add(matcher(p));
            } else {
                byName.add(matcher(p));
            }
        }
    }

    boolean isEmpty() {
        return byName.isEmpty() && byPath.isEmpty();
    }

    /** Whether {@code relative} (no leading slash, {@code /}-separated) or an ancestor of it matches. */
    boolean matches(String relative) {
        if (relative.isEmpty()) {
            return false;
        }
        String[] parts = relative.split("/");
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            if (prefix.length() > 0) {
                prefix.append('/');
            }
            prefix.append(part);
            Path name = Path.of(part);
            for (PathMatcher m : byName) {
                if (m.matches(name)) {
                    return true;
                }
            }
            Path path = Path.of(prefix.toString());
            for (PathMatcher m : byPath) {
                if (m.matches(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static PathMatcher matcher(String pattern) {
        return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    }

    /** {@code path} relative to {@code root} ("" for the root itself), or null when it is not under it. */
    static String relative(String root, String path) {
        if (path.equals(root)) {
            return "";
        }
        String base = root.endsWith("/") ? root : root + "/";
        return path.startsWith(base) ? path.substring(base.length()) : null;
    }
}
