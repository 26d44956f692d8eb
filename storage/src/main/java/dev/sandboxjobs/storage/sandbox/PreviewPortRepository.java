package dev.sandboxjobs.storage.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.sandboxjobs.storage.Database;
import org.jdbi.v3.core.Jdbi;

/** The preview token and exposed ports of each sandbox (migration V20). */
public final class PreviewPortRepository {
    private final Jdbi jdbi;

    /** A sandbox's persisted preview state: its token and its ports (port to name, in exposure order). */
    public record Preview(String sandboxId, String token, Map<Integer, String> ports) {}

    public PreviewPortRepository(Database database) {
        this(database.jdbi());
    }

    PreviewPortRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores the sandbox's token (unless it has one) and the port with its name (null keeps none). */
    public void savePort(String sandboxId, String token, int port, String name) {
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into sandbox_previews (sandbox_id, token) values (:id, :token) on conflict (sandbox_id) do nothing")
                    .bind("id", sandboxId).bind("token", token).execute();
            long seq = h.createQuery("select coalesce(max(seq), 0) + 1 from sandbox_ports where sandbox_id = :id")
                    .bind("id", sandboxId).mapTo(Long.class).one();
            h.createUpdate("""
                    insert into sandbox_ports (sandbox_id, port, name, seq) values (:id, :port, :name, :seq)
                    on conflict (sandbox_id, port) do update set name = excluded.name""")
                    .bind("id", sandboxId).bind("port", port).bind("name", name).bind("seq", seq).execute();
        });
    }

    /** Removes a port; returns whether it was stored. */
    public boolean deletePort(String sandboxId, int port) {
        return jdbi.withHandle(h -> h.createUpdate("delete from sandbox_ports where sandbox_id = :id and port = :port")
                .bind("id", sandboxId).bind("port", port).execute()) == 1;
    }

    /** Forgets everything about a sandbox's previews. */
    public void delete(String sandboxId) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from sandbox_ports where sandbox_id = :id").bind("id", sandboxId).execute();
            h.createUpdate("delete from sandbox_previews where sandbox_id = :id").bind("id", sandboxId).execute();
        });
    }

    /** The preview state of one sandbox, if it ever exposed a port. */
    public Optional<Preview> find(String sandboxId) {
        return list().stream().filter(p -> p.sandboxId().equals(sandboxId)).findFirst();
    }

    /** Every sandbox's preview state (only sandboxes that still exist). */
    public List<Preview> list() {
        return jdbi.withHandle(h -> {
            Map<String, String> tokens = new LinkedHashMap<>();
            h.createQuery("select p.sandbox_id, p.token from sandbox_previews p join sandboxes s on s.id = p.sandbox_id order by p.sandbox_id")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> tokens.put(e.getKey(), e.getValue()));
            Map<String, Map<Integer, String>> ports = new LinkedHashMap<>();
            h.createQuery("select sandbox_id, port, name from sandbox_ports order by sandbox_id, seq")
                    .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3)})
                    .forEach(row -> ports.computeIfAbsent((String) row[0], k -> new LinkedHashMap<>())
                            .put((Integer) row[1], (String) row[2]));
            return tokens.entrySet().stream()
                    .map(e -> new Preview(e.getKey(), e.getValue(), ports.getOrDefault(e.getKey(), Map.of())))
                    .toList();
        });
    }
}
