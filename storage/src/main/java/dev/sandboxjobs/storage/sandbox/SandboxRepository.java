package dev.sandboxjobs.storage.sandbox;

import dev.sandboxjobs.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Sandboxes, sessions and processes of the sandbox SDK. Deleting a sandbox deletes its rows. */
public final class SandboxRepository {
    private final Jdbi jdbi;

    public SandboxRepository(Database database) {
        this(database.jdbi());
    }

    SandboxRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Inserts the sandbox unless one with its id exists; returns whether it inserted. */
    public boolean insertIfAbsent(SandboxRecord s) {
        return jdbi.withHandle(h -> h.createUpdate("""
                insert into sandboxes (id, container_id, image, status, env_json, labels_json, settings_json,
                                       generation, created_at, last_activity_at)
                values (:id, :containerId, :image, :status, :envJson, :labelsJson, :settingsJson,
                        :generation, :createdAt, :lastActivityAt)
                on conflict (id) do nothing""")
                .bindMethods(s).execute()) == 1;
    }

    public Optional<SandboxRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("select * from sandboxes where id = :id")
                .bind("id", id).map((rs, ctx) -> sandbox(rs)).findOne());
    }

    public List<SandboxRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("select * from sandboxes order by created_at, id")
                .map((rs, ctx) -> sandbox(rs)).list());
    }

    /** Whether a sandbox with this id exists. */
    public boolean exists(String id) {
        return find(id).isPresent();
    }

    public void updateContainer(String id, String containerId, String status, long generation) {
        jdbi.useHandle(h -> h.createUpdate("""
                update sandboxes set container_id = :c, status = :s, generation = :g where id = :id""")
                .bind("c", containerId).bind("s", status).bind("g", generation).bind("id", id).execute());
    }

    public void updateStatus(String id, String status) {
        jdbi.useHandle(h -> h.createUpdate("update sandboxes set status = :s where id = :id")
                .bind("s", status).bind("id", id).execute());
    }

    public void updateEnv(String id, String envJson) {
        jdbi.useHandle(h -> h.createUpdate("update sandboxes set env_json = :e where id = :id")
                .bind("e", envJson).bind("id", id).execute());
    }

    public void touch(String id, long lastActivityAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                update sandboxes set last_activity_at = :t where id = :id and last_activity_at < :t""")
                .bind("t", lastActivityAt).bind("id", id).execute());
    }

    /** Deletes the sandbox with its sessions and processes; returns whether it existed. */
    public boolean delete(String id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("delete from sandbox_processes where sandbox_id = :id").bind("id", id).execute();
            h.createUpdate("delete from sandbox_sessions where sandbox_id = :id").bind("id", id).execute();
            return h.createUpdate("delete from sandboxes where id = :id").bind("id", id).execute() == 1;
        });
    }

    // ----- sessions

    public boolean insertSession(SessionRecord s) {
        return jdbi.withHandle(h -> h.createUpdate("""
                insert into sandbox_sessions (sandbox_id, id, env_json, cwd, created_at)
                values (:sandboxId, :id, :envJson, :cwd, :createdAt)
                on conflict (sandbox_id, id) do nothing""").bindMethods(s).execute()) == 1;
    }

    public Optional<SessionRecord> findSession(String sandboxId, String id) {
        return jdbi.withHandle(h -> h.createQuery("select * from sandbox_sessions where sandbox_id = :s and id = :id")
                .bind("s", sandboxId).bind("id", id).map((rs, ctx) -> session(rs)).findOne());
    }

    public List<SessionRecord> listSessions(String sandboxId) {
        return jdbi.withHandle(h -> h.createQuery("select * from sandbox_sessions where sandbox_id = :s order by created_at, id")
                .bind("s", sandboxId).map((rs, ctx) -> session(rs)).list());
    }

    public void updateSessionCwd(String sandboxId, String id, String cwd) {
        jdbi.useHandle(h -> h.createUpdate("update sandbox_sessions set cwd = :c where sandbox_id = :s and id = :id")
                .bind("c", cwd).bind("s", sandboxId).bind("id", id).execute());
    }

    public void updateSessionEnv(String sandboxId, String id, String envJson) {
        jdbi.useHandle(h -> h.createUpdate("update sandbox_sessions set env_json = :e where sandbox_id = :s and id = :id")
                .bind("e", envJson).bind("s", sandboxId).bind("id", id).execute());
    }

    public boolean deleteSession(String sandboxId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from sandbox_sessions where sandbox_id = :s and id = :id")
                .bind("s", sandboxId).bind("id", id).execute()) == 1;
    }

    // ----- processes

    public void insertProcess(ProcessRecord p) {
        jdbi.useHandle(h -> h.createUpdate("""
                insert into sandbox_processes (sandbox_id, id, pid, command, session_id, generation, status, exit_code, started_at)
                values (:sandboxId, :id, :pid, :command, :sessionId, :generation, :status, :exitCode, :startedAt)""")
                .bindMethods(p).execute());
    }

    public Optional<ProcessRecord> findProcess(String sandboxId, String id) {
        return jdbi.withHandle(h -> h.createQuery("select * from sandbox_processes where sandbox_id = :s and id = :id")
                .bind("s", sandboxId).bind("id", id).map((rs, ctx) -> process(rs)).findOne());
    }

    public List<ProcessRecord> listProcesses(String sandboxId) {
        return jdbi.withHandle(h -> h.createQuery("select * from sandbox_processes where sandbox_id = :s order by started_at, id")
                .bind("s", sandboxId).map((rs, ctx) -> process(rs)).list());
    }

    public void updateProcessStatus(String sandboxId, String id, String status, Integer exitCode) {
        jdbi.useHandle(h -> h.createUpdate("""
                update sandbox_processes set status = :st, exit_code = :e where sandbox_id = :s and id = :id""")
                .bind("st", status).bind("e", exitCode).bind("s", sandboxId).bind("id", id).execute());
    }

    private static SandboxRecord sandbox(ResultSet rs) throws SQLException {
        return new SandboxRecord(rs.getString("id"), rs.getString("container_id"), rs.getString("image"),
                rs.getString("status"), rs.getString("env_json"), rs.getString("labels_json"),
                rs.getString("settings_json"), rs.getLong("generation"), rs.getLong("created_at"),
                rs.getLong("last_activity_at"));
    }

    private static SessionRecord session(ResultSet rs) throws SQLException {
        return new SessionRecord(rs.getString("sandbox_id"), rs.getString("id"), rs.getString("env_json"),
                rs.getString("cwd"), rs.getLong("created_at"));
    }

    private static ProcessRecord process(ResultSet rs) throws SQLException {
        int exit = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        return new ProcessRecord(rs.getString("sandbox_id"), rs.getString("id"), rs.getInt("pid"),
                rs.getString("command"), rs.getString("session_id"), rs.getLong("generation"),
                rs.getString("status"), exitCode, rs.getLong("started_at"));
    }
}
