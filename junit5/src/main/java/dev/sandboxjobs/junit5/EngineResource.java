package dev.sandboxjobs.junit5;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The run's one {@link SandboxEngine}, in the root store; closed (and its temporary database deleted) when the run ends. */
@SuppressWarnings("deprecation")
final class EngineResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    static final String IMAGE = "sandboxjobs.image";
    static final String DOCKER_HOST = "sandboxjobs.docker-host";
    static final String DATA_DIR = "sandboxjobs.data-dir";

    private final SandboxEngine engine;
    private final Optional<String> defaultImage;
    private final Path temporaryDirectory;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineResource(SandboxEngine engine, Optional<String> defaultImage, Path temporaryDirectory) {
        this.engine = engine;
        this.defaultImage = defaultImage;
        this.temporaryDirectory = temporaryDirectory;
    }

    static EngineResource open(Function<String, Optional<String>> configuration) {
        Optional<String> image = configuration.apply(IMAGE).filter(s -> !s.isBlank());
        Optional<String> dataDir = configuration.apply(DATA_DIR).filter(s -> !s.isBlank());
        Path temporary = null;
        try {
            if (dataDir.isEmpty()) {
                temporary = Files.createTempDirectory("sandbox-jobs-junit5-");
            }
            SandboxEngine.Builder b = SandboxEngine.builder()
                    .dataDirectory(dataDir.map(Path::of).orElse(temporary));
            configuration.apply(DOCKER_HOST).filter(s -> !s.isBlank()).ifPresent(b::dockerHost);
            image.ifPresent(b::image);
            return new EngineResource(b.build(), image, temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory for the sandboxes of the tests", e);
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    SandboxEngine engine() {
        return engine;
    }

    Optional<String> defaultImage() {
        return defaultImage;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (temporaryDirectory != null) {
                // a database nobody will open again: leave no container behind it
                for (SandboxInfo info : engine.listSandboxes()) {
                    engine.destroySandbox(info.id());
                }
            }
        } finally {
            engine.close();
            deleteQuietly(temporaryDirectory);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory; the operating system cleans it eventually
        }
    }
}
