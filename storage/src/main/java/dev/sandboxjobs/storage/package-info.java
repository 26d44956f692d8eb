/**
 * The embedded database of both engines: {@link dev.sandboxjobs.storage.Database} (SQLite through
 * HikariCP and Jdbi, the schema migrated by Flyway's append-only numbered migrations), the one
 * engine id of a database, and where the data lives by default
 * ({@link dev.sandboxjobs.storage.DataDirectory}). The repositories are in
 * {@link dev.sandboxjobs.storage.run} (the job engine's) and {@link dev.sandboxjobs.storage.sandbox}
 * (the SDK's); no SQL lives outside this module.
 *
 * <pre>{@code
 * try (Database db = Database.openSqlite(DataDirectory.databaseFile(DataDirectory.defaultFor(System.getenv())))) {
 *     System.out.println(db.engineId() + " " + db.integrityCheck());
 * }
 * }</pre>
 */
package dev.sandboxjobs.storage;
