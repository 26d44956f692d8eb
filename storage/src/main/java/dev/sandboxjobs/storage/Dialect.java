package dev.sandboxjobs.storage;

/**
 * The SQL dialects the repositories run on. Every dialect difference lives here or in the
 * per-dialect migration folders, so that repository SQL stays portable.
 */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    /** Classpath location of this dialect's Flyway migrations. */
    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }
}
