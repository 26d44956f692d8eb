package dev.sandboxjobs.engine.setup.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Debian mirror debootstrap should use: the host's own apt source for the suite when the host
 * has one (a local or proxied mirror keeps working offline), else Debian's default mirror.
 */
final class AptMirror {
    public static final String DEFAULT = "http://deb.debian.org/debian";

    private AptMirror() {}

    /** Looks through {@code /etc/apt/sources.list} and {@code /etc/apt/sources.list.d/*}. */
    public static String forSuite(String suite, Path aptDirectory) {
        List<String> texts = new ArrayList<>();
        readInto(aptDirectory.resolve("sources.list"), texts);
        Path parts = aptDirectory.resolve("sources.list.d");
        if (Files.isDirectory(parts)) {
            try (var files = Files.list(parts)) {
                files.filter(f -> f.toString().endsWith(".sources") || f.toString().endsWith(".list"))
                        .sorted().forEach(f -> readInto(f, texts));
            } catch (IOException e) {
                // no extra sources
            }
        }
        for (String text : texts) {
            Optional<String> found = find(text, suite);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return DEFAULT;
    }

    /** The first http(s) URI that serves exactly {@code suite}, in one-line or deb822 format. */
    static Optional<String> find(String text, String suite) {
        // deb822: stanzas separated by blank lines
        for (String stanza : text.split("\\n\\s*\\n")) {
            String types = field(stanza, "Types");
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            String enabled = field(stanza, "Enabled");
            if (enabled != null && enabled.equalsIgnoreCase("no")) {
                continue;
            }
            if (types != null && uris != null && suites != null && Arrays.asList(types.split("\\s+")).contains("deb")
                    && Arrays.asList(suites.split("\\s+")).contains(suite)) {
                for (String uri : uris.split("\\s+")) {
                    if (uri.startsWith("http://") || uri.startsWith("https://")) {
                        return Optional.of(trimSlash(uri));
                    }
                }
            }
        }
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (!line.startsWith("deb ")) {
                continue;
            }
            List<String> words = new ArrayList<>(Arrays.asList(line.substring(4).strip().split("\\s+")));
            if (!words.isEmpty() && words.get(0).startsWith("[")) {
                while (!words.isEmpty() && !words.get(0).endsWith("]")) {
                    words.remove(0);
                }
                if (!words.isEmpty()) {
                    words.remove(0);
                }
            }
            if (words.size() >= 2 && words.get(1).equals(suite)
                    && (words.get(0).startsWith("http://") || words.get(0).startsWith("https://"))) {
                return Optional.of(trimSlash(words.get(0)));
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        for (String raw : stanza.split("\\R")) {
            String line = raw.strip();
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    private static String trimSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private static void readInto(Path file, List<String> texts) {
        try {
            if (Files.isRegularFile(file)) {
                texts.add(Files.readString(file));
            }
        } catch (IOException e) {
            // unreadable source file: skip it
        }
    }
}
