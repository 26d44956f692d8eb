package dev.sandboxjobs.engine.setup;

import dev.sandboxjobs.engine.setup.internal.CaCertificates;
import dev.sandboxjobs.engine.setup.internal.Host;
import dev.sandboxjobs.engine.setup.internal.SetupRunner;
import dev.sandboxjobs.storage.DataDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Makes a machine ready to run sandboxes, idempotently: finds a Docker engine (the given host,
 * else {@code DOCKER_HOST}, else the default socket) — installing Docker from the distribution's
 * packages and starting its daemon when there is none and this runs as root on Debian or Ubuntu —
 * then ensures the runtime image, which is built only when one of its inputs changed (and, with
 * {@link Builder#full(boolean)}, the full image built from it).
 *
 * <pre>{@code
 * SetupReport report = Setup.builder()
 *         .addCaCertificate(Path.of("corporate-proxy.crt"))
 *         .progress(System.out::println)
 *         .build()
 *         .run();
 * System.out.print(report.render());
 *
 * DoctorReport doctor = Setup.builder().build().doctor();   // changes nothing
 * }</pre>
 *
 * <p>Extra CA certificates (for TLS-inspecting proxies) come from {@link #builder() addCaCertificate},
 * from the {@code SANDBOX_JOBS_CA_CERTS} environment variable (files separated by {@code :}), and by
 * default from the host's {@code /usr/local/share/ca-certificates/**.crt}; they are trusted by the
 * system store, Node, Python, pip, curl and git inside the image, and by Java where a JDK is added.
 *
 * <p>Errors are {@link dev.sandboxjobs.engine.SandboxException}s with code
 * {@code DOCKER_UNAVAILABLE} or {@code IMAGE_MISSING} and a message that says what to do; a bad
 * certificate file is an {@link IllegalArgumentException} from {@link Builder#build()}.
 */
public final class Setup {
    /** The database file's name inside the data directory. */
    public static final String DATABASE_FILE = DataDirectory.DATABASE_FILE_NAME;
    /** Environment variable naming the data directory (default: {@code ~/.sandbox-jobs}). */
    public static final String DATA_DIR_ENV = DataDirectory.ENV;

    private final SetupRunner.Options options;

    private Setup(SetupRunner.Options options) {
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Ensures Docker and the runtime image; a second run with the same inputs builds nothing. */
    public SetupReport run() {
        return new SetupRunner(options).run();
    }

    /** Reports the state of Docker, the runtime image, the database and CA certificates; changes nothing. */
    public DoctorReport doctor() {
        return new SetupRunner(options).doctor();
    }

    /** Options of {@link Setup}; every one has a sensible default. */
    public static final class Builder {
        private String dockerHost;
        private String baseImage;
        private final List<Path> caCertificates = new ArrayList<>();
        private boolean hostCaCertificates = true;
        private Path hostCaDirectory = CaCertificates.HOST_DIRECTORY;
        private boolean rebuild;
        private boolean installDocker = true;
        private Path dataDirectory;
        private Path databaseFile;
        private Consumer<String> progress = line -> { };
        private Map<String, String> environment = System.getenv();
        private String imageRepository;
        private boolean full;

        private Builder() {}

        /**
         * Also ensures the "full" image ({@link RuntimeImage#fullDefaultReference()}): the runtime
         * image plus the toolchains the testing pipeline needs (Go, JDK 21 and 25 with Maven, Rust,
         * pytest), built FROM the runtime image with the same content-hash rule; default false.
         */
        public Builder full(boolean full) {
            this.full = full;
            return this;
        }

        /** The Docker engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}; default {@code DOCKER_HOST}, else the default socket. */
        public Builder dockerHost(String dockerHost) {
            this.dockerHost = dockerHost;
            return this;
        }

        /**
         * The runtime image's base. Default: {@code debian:trixie-slim} if it is here or can be
         * pulled, else a Debian trixie base made with debootstrap ({@code sandbox-jobs/debian-base:trixie}).
         */
        public Builder baseImage(String baseImage) {
            this.baseImage = baseImage;
            return this;
        }

        /** Adds a CA certificate file (PEM; a bundle of several is fine) to trust inside the image. */
        public Builder addCaCertificate(Path file) {
            caCertificates.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Whether to add the host's {@code /usr/local/share/ca-certificates/**.crt}; default true. */
        public Builder hostCaCertificates(boolean include) {
            this.hostCaCertificates = include;
            return this;
        }

        /** Where the host's own added CAs live; default {@code /usr/local/share/ca-certificates}. */
        public Builder hostCaDirectory(Path directory) {
            this.hostCaDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Rebuilds the image from scratch (no layer cache) even when it is up to date. */
        public Builder rebuild(boolean rebuild) {
            this.rebuild = rebuild;
            return this;
        }

        /** Whether setup may install and start Docker (root on Debian/Ubuntu only); default true. */
        public Builder installDocker(boolean allowed) {
            this.installDocker = allowed;
            return this;
        }

        /** Where the embedded database lives; default {@code SANDBOX_JOBS_DATA_DIR}, else {@code ~/.sandbox-jobs}. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /** The database file that doctor reports on; default {@code sandbox-jobs.db} in the data directory. */
        public Builder databaseFile(Path file) {
            this.databaseFile = file;
            return this;
        }

        /**
         * Receives progress lines; default: none. A line that starts with two spaces or {@code "$ "}
         * is a tool's output or the command that runs it (apt-get, debootstrap, docker build:
         * thousands of lines on a fresh machine); any other line says that a phase starts or ends.
         */
        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** The environment to read {@code DOCKER_HOST}, {@code SANDBOX_JOBS_CA_CERTS} and {@code PATH} from; default the process's. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * The repository of the built image; default {@code sandbox-jobs/runtime}. Another one builds a
         * side-by-side variant (tests do this) without moving the default alias.
         */
        public Builder imageRepository(String repository) {
            this.imageRepository = repository;
            return this;
        }

        /**
         * Validates the options and reads the CA certificates.
         *
         * @throws IllegalArgumentException when a certificate file is missing or holds no certificate
         */
        public Setup build() {
            var certificates = CaCertificates.collect(hostCaCertificates ? hostCaDirectory : null,
                    environment.get(CaCertificates.ENV_VARIABLE), caCertificates);
            Path data = dataDirectory != null ? dataDirectory
                    : DataDirectory.defaultFor(environment);
            String repository = imageRepository == null || imageRepository.isBlank() ? RuntimeImage.repository() : imageRepository;
            return new Setup(new SetupRunner.Options(dockerHost, baseImage, certificates, rebuild, installDocker,
                    databaseFile != null ? databaseFile.toAbsolutePath().normalize()
                            : data.toAbsolutePath().normalize().resolve(DATABASE_FILE), repository, RuntimeImage.version(),
                    new Host(environment), progress, full, RuntimeImage.fullRepository()));
        }
    }
}
