package dev.sandboxjobs.jobs.detect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What detection looks at: the relative paths of a project's files (a shallow listing is
 * enough) and the contents of the few files in {@link #FILES_TO_READ} that exist.
 *
 * <p>The install step builds this from data it reads out of the sandbox, so that
 * {@link ProjectDetector#detect} stays a pure function.
 *
 * @param paths    relative paths ({@code "package.json"}, {@code "src/main.go"}), '/'-separated
 * @param contents file contents by relative path, for the files that were read
 */
public record ProjectFiles(Set<String> paths, Map<String, String> contents) {

    /** Files whose content detection uses, relative to the project root. */
    public static final List<String> FILES_TO_READ = List.of(
            "package.json", "requirements.txt", "pyproject.toml", "setup.cfg",
            "Makefile", "makefile", "GNUmakefile", ".yarnrc.yml", "CMakeLists.txt", "requirements-dev.txt",
            "requirements-test.txt", "tox.ini", "setup.py", "pnpm-workspace.yaml", "go.mod");

    /** Largest content detection reads from one file; the rest is ignored. */
    public static final int MAX_CONTENT_CHARS = 256 * 1024;

    public ProjectFiles {
        TreeSet<String> normalized = new TreeSet<>();
        for (String path : paths) {
            String p = path.replace('\\', '/');
            while (p.startsWith("./")) {
                p = p.substring(2);
            }
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.isEmpty()) {
                normalized.add(p);
            }
        }
        paths = Set.copyOf(normalized);
        contents = Map.copyOf(contents);
    }

    /** Files from a listing and contents. */
    public static ProjectFiles of(Iterable<String> paths, Map<String, String> contents) {
        TreeSet<String> all = new TreeSet<>();
        paths.forEach(all::add);
        all.addAll(contents.keySet());
        return new ProjectFiles(all, contents);
    }

    /** Whether {@code path} exists in the listing (or was read). */
    public boolean has(String path) {
        return paths.contains(path) || contents.containsKey(path);
    }

    /** The content of {@code path}, if it was read. */
    public Optional<String> content(String path) {
        return Optional.ofNullable(contents.get(path));
    }

    /** Whether any listed path ends with {@code suffix} (e.g. {@code ".csproj"}). */
    public boolean anyEndsWith(String suffix) {
        return paths.stream().anyMatch(p -> p.endsWith(suffix));
    }
}
