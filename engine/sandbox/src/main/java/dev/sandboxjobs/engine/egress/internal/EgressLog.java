package dev.sandboxjobs.engine.egress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.engine.egress.EgressEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress log of each sandbox: one JSON line per decision in a file of the engine's data
 * directory, so that a later engine (or the pipeline's report) reads what a sandbox tried. At
 * most {@link #MAX_EVENTS} per sandbox are kept; the file goes when the sandbox is destroyed.
 * Events hold hosts, ports, methods and reasons only (never paths, headers' values or bodies).
 */
public final class EgressLog {
    private static final Logger LOG = LoggerFactory.getLogger(EgressLog.class);
    /** Events kept per sandbox; later ones are counted in one last event. */
    public static final int MAX_EVENTS = 10_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path directory;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    public EgressLog(Path directory) {
        this.directory = directory;
    }

    public void record(String sandboxId, EgressEvent e) {
        Path file = file(sandboxId);
        synchronized (this) {
            AtomicInteger count = counts.computeIfAbsent(sandboxId, id -> new AtomicInteger(lines(file)));
            int n = count.incrementAndGet();
            if (n > MAX_EVENTS + 1) {
                return;
            }
            EgressEvent written = n == MAX_EVENTS + 1
                    ? new EgressEvent(e.time(), "-", 0, "-", false, "the egress log is full (" + MAX_EVENTS
                            + " events); later connections are not recorded", List.of())
                    : e;
            try {
                Files.createDirectories(directory);
                try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
                    w.write(MAPPER.writeValueAsString(toJson(written)));
                    w.write('\n');
                }
            } catch (IOException ex) {
                LOG.warn("Cannot write the egress log {}: {}", file, ex.getMessage());
            }
        }
    }

    public List<EgressEvent> read(String sandboxId) {
        List<EgressEvent> events = new ArrayList<>();
        List<String> lines;
        synchronized (this) {
            try {
                lines = Files.readAllLines(file(sandboxId), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return List.of();
            } catch (IOException e) {
                LOG.warn("Cannot read the egress log of {}: {}", sandboxId, e.getMessage());
                return List.of();
            }
        }
        for (String line : lines) {
            try {
                JsonNode n = MAPPER.readTree(line);
                List<String> injected = new ArrayList<>();
                n.path("injected").forEach(h -> injected.add(h.asText()));
                events.add(new EgressEvent(Instant.ofEpochMilli(n.path("time").asLong()), n.path("host").asText(),
                        n.path("port").asInt(), n.path("method").asText(), n.path("allowed").asBoolean(),
                        n.path("reason").asText(), injected));
            } catch (IOException | RuntimeException e) {
                // a line cut by a crash: skip it
            }
        }
        return events;
    }

    public void delete(String sandboxId) {
        synchronized (this) {
            counts.remove(sandboxId);
            try {
                Files.deleteIfExists(file(sandboxId));
            } catch (IOException e) {
                LOG.debug("Cannot delete the egress log of {}", sandboxId, e);
            }
        }
    }

    private static ObjectNode toJson(EgressEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("time", e.time().toEpochMilli());
        n.put("host", e.host());
        n.put("port", e.port());
        n.put("method", e.method());
        n.put("allowed", e.allowed());
        n.put("reason", e.reason());
        e.injectedHeaders().forEach(n.putArray("injected")::add);
        return n;
    }

    private static int lines(Path file) {
        try (var s = Files.lines(file, StandardCharsets.UTF_8)) {
            return (int) s.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private Path file(String sandboxId) {
        String safe = sandboxId.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.length() > 60) {
            safe = safe.substring(0, 60);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sandboxId.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(safe + "-" + HexFormat.of().formatHex(h, 0, 6) + ".jsonl");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
