package dev.sandboxjobs.jobs.toolchain;

/** The tools whose version the testing pipeline reads from a project and reports. */
public enum Toolchain {
    NODE("node"),
    NPM("npm"),
    PNPM("pnpm"),
    YARN("yarn"),
    PYTHON("python"),
    JAVA("java"),
    MAVEN("maven"),
    GRADLE("gradle"),
    GO("go"),
    RUST("rust");

    private final String id;

    Toolchain(String id) {
        this.id = id;
    }

    /** The name used in reports, e.g. {@code "node"}. */
    public String id() {
        return id;
    }
}
