package dev.sandboxjobs.engine.internal.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.setup.RuntimeImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * How a Java remote function runs: {@code sj_function.java} compiled with {@code javac} (or run with
 * the JDK's single-file source launcher), the engine's own Jackson jars (databind, core, annotations, found from where their
 * classes were loaded) on its class path, both installed among the sandbox's helpers once per
 * container. A shell prologue checks for {@code java} and {@code javac} on the session's PATH first
 * and exits with {@link #NO_JDK} without them; the runner is compiled once (see {@link #LAUNCH}).
 */
final class JavaFunctions {
    /** The exit code of the launch script when the image has no JDK. */
    static final int NO_JDK = 86;
    /** What the launch script prints on stderr then (a function's own exit(86) prints no such line). */
    static final String NO_JDK_MARK = "sj-function: no JDK on the PATH";

    /**
     * $1 the class path (Jackson), $2 the runner's source, $3 and $4 the request and result files.
     * The runner is compiled once per user and runner version under /tmp (a failed compilation falls
     * back to the source launcher, which reports it); concurrent first calls each compile and the
     * first to finish wins the rename. The runner keeps the classes of a function given as source
     * in the same directory (sj.cache), by the source's hash.
     */
    private static final String LAUNCH = """
            command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || { echo '%s' >&2; exit %d; }
            cache="/tmp/.sandbox-jobs-java-$(id -u)"
            cls="$cache/${2##*/}.classes"
            if [ ! -f "$cls/SjFunction.class" ]; then
              tmp="$cls.$$"
              rm -rf "$tmp" && mkdir -p "$tmp" && javac -nowarn -proc:none -d "$tmp" -cp "$1" "$2" >/dev/null 2>&1 \
                && { [ -d "$cls" ] || mv "$tmp" "$cls"; }
              rm -rf "$tmp"
              [ -f "$cls/SjFunction.class" ] || exec java -Dsj.cache="$cache" -cp "$1" "$2" "$3" "$4"
            fi
            exec java -Dsj.cache="$cache" -cp "$cls:$1" SjFunction "$3" "$4"
            """.formatted(NO_JDK_MARK, NO_JDK);
    private static volatile Map<String, byte[]> jars;

    private JavaFunctions() {}

    /** The argv that runs the runner; the request's and the result's paths are to be appended. */
    static List<String> command(SandboxRuntime sandbox) {
        String runner = SandboxHelpers.install(sandbox, "sj_function.java");
        List<String> classPath = new ArrayList<>();
        jackson().forEach((name, content) -> classPath.add(SandboxHelpers.install(sandbox, name, content)));
        return List.of("sh", "-c", LAUNCH, "sj-function", String.join(":", classPath), runner);
    }

    /** Whether a run ended in the launch script's check for a JDK. */
    static boolean missingJdk(ExecResult run) {
        return run.exitCode() == NO_JDK && run.stderr().contains(NO_JDK_MARK);
    }

    /** The error for a sandbox whose image has no JDK. */
    static SandboxException noJdk(String function, String image) {
        return new SandboxException(ErrorCode.TOOLCHAIN_MISSING, "The Java function " + function + " needs a JDK (java"
                + " and javac, Java 17 or later) and the sandbox's image " + image + " has none on its PATH. Use the"
                + " full runtime image " + RuntimeImage.fullRepository() + " (./sandbox-jobs setup --full builds "
                + RuntimeImage.fullDefaultReference() + "; SandboxOptions.builder().image(...) or the engine's image),"
                + " or an image of your own with a JDK.");
    }

    private static Map<String, byte[]> jackson() {
        Map<String, byte[]> found = jars;
        if (found == null) {
            synchronized (JavaFunctions.class) {
                if (jars == null) {
                    Map<Path, Class<?>> locations = new LinkedHashMap<>();
                    for (Class<?> type : List.of(ObjectMapper.class, JsonFactory.class, JsonProperty.class)) {
                        locations.putIfAbsent(location(type), type);
                    }
                    Map<String, byte[]> read = new LinkedHashMap<>();
                    locations.forEach((location, type) -> read.put(jarName(location, type), read(location)));
                    jars = Map.copyOf(read);
                }
                found = jars;
            }
        }
        return found;
    }

    private static Path location(Class<?> type) {
        CodeSource code = type.getProtectionDomain().getCodeSource();
        Path location;
        try {
            location = code == null ? null : Path.of(code.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            location = null;
        }
        if (location == null || !Files.exists(location)) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Java remote functions need the Jackson jars the engine"
                    + " runs with, and " + type.getName() + " was not loaded from a jar or directory on this host ("
                    + (code == null ? "no code source" : code.getLocation()) + ").");
        }
        return location;
    }

    private static String jarName(Path location, Class<?> type) {
        String name = location.getFileName().toString();
        return Files.isDirectory(location) || !name.endsWith(".jar") ? type.getPackageName().replace('.', '-') + ".jar" : name;
    }

    private static byte[] read(Path location) {
        try {
            return Files.isDirectory(location) ? zip(location) : Files.readAllBytes(location);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar of a class directory (the engine run from its build's classes, as in a development checkout). */
    private static byte[] zip(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                zip.putNextEntry(new ZipEntry(dir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
