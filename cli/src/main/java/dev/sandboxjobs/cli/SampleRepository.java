package dev.sandboxjobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The bundled sample repository ({@code examples/sample-repo}, a small Node.js calculator) made
 * into a local git repository for the demo, so that it works offline.
 */
final class SampleRepository {
    static final String RESOURCE = "dev/sandboxjobs/cli/sample-repo/";
    /** Fixed author, committer and dates: the sample's commit is the same on every machine. */
    private static final Map<String, String> GIT_IDENTITY = Map.of(
            "GIT_AUTHOR_NAME", "Sandbox Jobs", "GIT_AUTHOR_EMAIL", "demo@sandboxjobs.dev",
            "GIT_COMMITTER_NAME", "Sandbox Jobs", "GIT_COMMITTER_EMAIL", "demo@sandboxjobs.dev",
            "GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z");

    private SampleRepository() {}

    /**
     * Writes the sample into {@code dir} and commits it when {@code git} is on the host; returns
     * whether it is a git repository (else the pipeline copies the plain directory in).
     */
    static boolean create(Path dir) {
        extract(dir);
        try {
            return git(dir, "init", "--quiet", "--initial-branch=main") && git(dir, "add", "-A")
                    && git(dir, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "Sample calculator");
        } catch (IOException e) {
            return false; // no git on the host: the directory is tested as is
        }
    }

    static void extract(Path dir) {
        URL marker = SampleRepository.class.getClassLoader().getResource(RESOURCE + "package.json");
        if (marker == null) {
            throw new IllegalStateException("the sample repository (" + RESOURCE + ") is not in the jar; rebuild the command line");
        }
        try {
            Files.createDirectories(dir);
            if ("jar".equals(marker.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) marker.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        if (entry.getName().startsWith(RESOURCE) && !entry.isDirectory()) {
                            Path target = dir.resolve(entry.getName().substring(RESOURCE.length())).normalize();
                            Files.createDirectories(target.getParent());
                            try (InputStream in = jar.getInputStream(entry)) {
                                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                }
            } else {
                Path root = Paths.get(marker.toURI()).getParent();
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Path target = dir.resolve(root.relativize(file).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample repository to " + dir, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean git(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(GIT_IDENTITY);
        Process p = pb.start();
        try {
            return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }
}
