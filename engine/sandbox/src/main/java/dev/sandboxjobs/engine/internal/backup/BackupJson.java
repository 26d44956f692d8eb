package dev.sandboxjobs.engine.internal.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.engine.DirectoryBackup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.regex.Pattern;

/** A backup's description as the small JSON document stored next to its archive. */
final class BackupJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Backup ids are UUIDs: nothing else may name a file or an object key. */
    static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private BackupJson() {}

    static byte[] write(DirectoryBackup b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", b.id()).put("dir", b.dir()).put("name", b.name()).put("sandboxId", b.sandboxId())
                .put("createdAt", b.createdAt().toEpochMilli()).put("expiresAt", b.expiresAt().toEpochMilli())
                .put("sizeBytes", b.sizeBytes()).put("format", "tar+gzip");
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DirectoryBackup read(byte[] bytes) throws IOException {
        JsonNode n = JSON.readTree(bytes);
        return new DirectoryBackup(n.path("id").asText(), n.path("dir").asText(),
                n.hasNonNull("name") ? n.get("name").asText() : null,
                n.hasNonNull("sandboxId") ? n.get("sandboxId").asText() : null,
                Instant.ofEpochMilli(n.path("createdAt").asLong()), Instant.ofEpochMilli(n.path("expiresAt").asLong()),
                n.path("sizeBytes").asLong());
    }
}
