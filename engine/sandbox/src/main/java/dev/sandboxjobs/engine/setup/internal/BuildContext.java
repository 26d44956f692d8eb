package dev.sandboxjobs.engine.setup.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The runtime image's Docker build context: the files of the runtime-image jar's context folder
 * plus the extra CA certificates, with a content hash that names the image.
 */
final class BuildContext {
    /** Where extra CA certificates go inside the context; the Dockerfile copies this folder. */
    public static final String CA_FOLDER = "ca-certificates/";

    /** One file of the context. Executable when it starts with {@code #!}. */
    public record Entry(String path, byte[] content) {
        public Entry {
            Objects.requireNonNull(path, "path");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        public int mode() {
            return content.length > 1 && content[0] == '#' && content[1] == '!' ? 0755 : 0644;
        }
    }

    private final Map<String, Entry> entries;

    private BuildContext(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    public static BuildContext of(List<Entry> entries) {
        Map<String, Entry> map = new TreeMap<>();
        for (Entry entry : entries) {
            if (map.put(entry.path(), entry) != null) {
                throw new IllegalArgumentException("duplicate context entry " + entry.path());
            }
        }
        return new BuildContext(map);
    }

    /** The context bundled in the runtime-image jar, plus {@code certificates}. */
    public static BuildContext bundled(List<CaCertificates.Certificate> certificates) {
        List<Entry> entries = new ArrayList<>(readClasspathFolder(RuntimeImageInfo.contextResource()));
        for (CaCertificates.Certificate certificate : certificates) {
            entries.add(new Entry(CA_FOLDER + certificate.fileName(), certificate.pem().getBytes(StandardCharsets.US_ASCII)));
        }
        return of(entries);
    }

    /**
     * The "full" variant's context bundled in the runtime-image jar. It needs no certificates of
     * its own: it is built FROM the runtime image, whose id is part of its hash.
     */
    public static BuildContext bundledFull() {
        return of(readClasspathFolder(RuntimeImageInfo.fullContextResource()));
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * SHA-256 (hex) over every entry's path, mode and content and the base image's id: the same
     * inputs always give the same hash, any change gives another.
     */
    public String hash(String baseImageId) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, "sandbox-jobs runtime image inputs v1");
            update(digest, "base " + baseImageId);
            for (Entry entry : entries.values()) {
                update(digest, "file " + entry.path() + " " + Integer.toOctalString(entry.mode()) + " " + entry.content.length);
                digest.update(entry.content);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** Writes the context as an uncompressed tar with fixed owners and times (reproducible). */
    public void writeTar(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Entry entry : entries.values()) {
            TarArchiveEntry header = new TarArchiveEntry(entry.path());
            header.setSize(entry.content.length);
            header.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | entry.mode());
            header.setModTime(0L);
            header.setIds(0, 0);
            header.setNames("root", "root");
            tar.putArchiveEntry(header);
            tar.write(entry.content);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    /** The whole context as tar bytes: it is a few kilobytes, so it is built in memory and streamed from there. */
    public byte[] toTar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTar(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads every file under {@code folder} (ending with '/') from the class path: a jar or a directory. */
    static List<Entry> readClasspathFolder(String folder) {
        ClassLoader loader = BuildContext.class.getClassLoader();
        URL marker = loader.getResource(folder + "Dockerfile");
        if (marker == null) {
            throw new IllegalStateException("the runtime image's build context (" + folder
                    + "Dockerfile) is not on the class path; is sandbox-jobs-runtime-image missing?");
        }
        try {
            if ("jar".equals(marker.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) marker.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    List<Entry> entries = new ArrayList<>();
                    for (JarEntry jarEntry : Collections.list(jar.entries())) {
                        String name = jarEntry.getName();
                        if (name.startsWith(folder) && !jarEntry.isDirectory()) {
                            try (InputStream in = jar.getInputStream(jarEntry)) {
                                entries.add(new Entry(name.substring(folder.length()), in.readAllBytes()));
                            }
                        }
                    }
                    return entries;
                }
            }
            if ("file".equals(marker.getProtocol())) {
                Path root = Paths.get(marker.toURI()).getParent();
                try (Stream<Path> files = Files.walk(root)) {
                    List<Entry> entries = new ArrayList<>();
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                        String relative = root.relativize(file).toString().replace('\\', '/');
                        entries.add(new Entry(relative, Files.readAllBytes(file)));
                    }
                    return entries;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runtime image's build context: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("cannot list the runtime image's build context at " + marker);
    }
}
