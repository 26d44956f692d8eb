package dev.sandboxjobs.jobs.pipeline;

import java.util.Objects;

/**
 * Where the pipeline puts things in the sandbox. The directory must be writable by the
 * sandbox user.
 *
 * @param root the workspace directory ({@code /workspace} by default)
 */
public record Workspace(String root) {

    public static final Workspace DEFAULT = new Workspace("/workspace");

    public Workspace {
        Objects.requireNonNull(root, "root");
        if (!root.startsWith("/") || root.length() < 2) {
            throw new IllegalArgumentException("the workspace must be an absolute directory, not " + root);
        }
        root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    /** The clone. */
    public String repository() {
        return root + "/repo";
    }

    /** Where a local repository's files are copied before a checkout of a given ref. */
    public String source() {
        return root + "/source";
    }

    /** Where test commands write JUnit XML. */
    public String reports() {
        return root + "/test-reports";
    }

    /** The project directory: the clone or its {@code subdirectory}. */
    public String project(String subdirectory) {
        return subdirectory.isEmpty() ? repository() : repository() + "/" + subdirectory;
    }
}
