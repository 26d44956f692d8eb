package dev.sandboxjobs.engine.setup.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The host's {@code /etc/os-release}: which distribution setup runs on. */
record OsRelease(Map<String, String> fields) {
    public static final Path DEFAULT_PATH = Path.of("/etc/os-release");

    public OsRelease {
        fields = Map.copyOf(fields);
    }

    /** Reads {@code path}; empty when the file does not exist or cannot be read. */
    public static Optional<OsRelease> read(Path path) {
        try {
            return Optional.of(parse(Files.readString(path)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses the shell-like {@code KEY=value} format, with optional single or double quotes. */
    public static OsRelease parse(String content) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String raw : content.split("\\R")) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || eq <= 0) {
                continue;
            }
            fields.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
        return new OsRelease(fields);
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                value = value.substring(1, value.length() - 1);
                if (first == '"') {
                    value = value.replaceAll("\\\\([\"\\\\$`])", "$1");
                }
            }
        }
        return value;
    }

    public String id() {
        return fields.getOrDefault("ID", "linux").toLowerCase(Locale.ROOT);
    }

    public String prettyName() {
        return fields.getOrDefault("PRETTY_NAME", fields.getOrDefault("NAME", id()));
    }

    /** Debian, Ubuntu, or a derivative that says so in {@code ID_LIKE}: apt and docker.io exist. */
    public boolean isDebianFamily() {
        if (id().equals("debian") || id().equals("ubuntu")) {
            return true;
        }
        return Arrays.stream(fields.getOrDefault("ID_LIKE", "").toLowerCase(Locale.ROOT).split("\\s+"))
                .anyMatch(like -> like.equals("debian") || like.equals("ubuntu"));
    }
}
