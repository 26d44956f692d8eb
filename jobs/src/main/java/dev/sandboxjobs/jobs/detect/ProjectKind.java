package dev.sandboxjobs.jobs.detect;

/**
 * The kinds of project the testing pipeline recognises. {@link #id()} is the stable
 * string written to reports as {@code projectType} (the seed tutorial's field).
 */
public enum ProjectKind {
    NODE("nodejs"),
    PYTHON("python"),
    GO("go"),
    MAVEN("maven"),
    GRADLE("gradle"),
    RUST("rust"),
    MAKE("make"),
    UNKNOWN("unknown");

    private final String id;

    ProjectKind(String id) {
        this.id = id;
    }

    /** The stable identifier used in reports, e.g. {@code "nodejs"}. */
    public String id() {
        return id;
    }

    /** The kind whose {@link #id()} is {@code id}, or {@link #UNKNOWN}. */
    public static ProjectKind fromId(String id) {
        for (ProjectKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        return UNKNOWN;
    }
}
