package dev.sandboxjobs.engine.setup.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.setup.DoctorReport;
import dev.sandboxjobs.engine.setup.SetupReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The implementation behind {@link dev.sandboxjobs.engine.setup.Setup}. */
public final class SetupRunner {
    /** Validated options; {@code dockerHost} and {@code baseImage} may be null (defaults). */
    public record Options(String dockerHost, String baseImage, List<CaCertificates.Certificate> caCertificates,
                          boolean rebuild, boolean installDocker, Path database, String imageRepository,
                          String version, Host host, Consumer<String> progress, boolean full, String fullRepository) {
        public Options {
            caCertificates = List.copyOf(caCertificates);
        }
    }

    private final Options options;

    public SetupRunner(Options options) {
        this.options = options;
    }

    public SetupReport run() {
        long start = System.nanoTime();
        String dockerHost = dockerHost();
        DockerBootstrap.Result docker = new DockerBootstrap(options.host(), options.progress())
                .ensure(dockerHost, options.installDocker());
        try (DockerClient client = docker.connected().client()) {
            BuildContext context = BuildContext.bundled(options.caCertificates());
            RuntimeImageBuilder.Result image = new RuntimeImageBuilder(client, options.host(), options.progress())
                    .ensure(options.imageRepository(), options.version(), context, options.baseImage(), options.rebuild());
            RuntimeImageBuilder.Result full = null;
            if (options.full()) {
                // FROM the content tag just ensured, so that the full image follows every change of the runtime image
                full = new RuntimeImageBuilder(client, options.host(), options.progress()).ensureDerived(
                        options.fullRepository(), options.version(), BuildContext.bundledFull(), image.tag(), options.rebuild());
            }
            return new SetupReport(dockerHost, docker.connected().serverVersion(), docker.connected().apiVersion(),
                    docker.installed(), docker.started(),
                    image.base().reference() + " (" + image.base().source().name().toLowerCase() + ")",
                    image.tag(), image.alias(), image.imageId(), image.built(), describe(options.caCertificates()),
                    Duration.ofNanos(System.nanoTime() - start),
                    full == null ? null : full.tag(), full == null ? null : full.alias(), full != null && full.built());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DoctorReport doctor() {
        String dockerHost = dockerHost();
        List<String> problems = new ArrayList<>();
        String alias = RuntimeImageBuilder.aliasFor(options.imageRepository(), options.version());
        boolean databaseExists = Files.exists(options.database());
        List<String> certificates = describe(options.caCertificates());
        DockerClients.Connected connected;
        try {
            connected = DockerClients.connect(dockerHost);
        } catch (RuntimeException e) {
            String problem = DockerBootstrap.describe(e);
            problems.add("Docker does not answer at " + dockerHost + ": run ./sandbox-jobs setup (it installs and"
                    + " starts Docker where it can), or point DOCKER_HOST at a running engine.");
            return new DoctorReport(dockerHost, problem, null, null, alias, null, null, false, options.database(),
                    databaseExists, certificates, problems);
        }
        try (DockerClient client = connected.client()) {
            RuntimeImageBuilder images = new RuntimeImageBuilder(client, options.host(), options.progress());
            Optional<InspectImageResponse> present = images.inspect(alias);
            Optional<BaseImagePlan.Base> base = BaseImagePlan.peek(options.baseImage(), images.images());
            String expected = base.map(b -> RuntimeImageBuilder.tagFor(options.imageRepository(), options.version(),
                    BuildContext.bundled(options.caCertificates()), b.id())).orElse(null);
            Optional<String> expectedId = expected == null ? Optional.empty() : images.localId(expected);
            String imageId = present.map(InspectImageResponse::getId).orElse(null);
            boolean upToDate = imageId != null && expectedId.isPresent() && expectedId.get().equals(imageId);
            if (imageId == null) {
                problems.add("The runtime image " + alias + " is missing: run ./sandbox-jobs setup to build it.");
            } else if (expected != null && !upToDate) {
                problems.add("The runtime image " + alias + " is not " + expected
                        + " (its inputs changed): run ./sandbox-jobs setup to rebuild it.");
            }
            return new DoctorReport(dockerHost, null, connected.serverVersion(), connected.apiVersion(), alias, imageId,
                    expected, upToDate, options.database(), databaseExists, certificates, problems);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String dockerHost() {
        return DockerClients.resolveHost(options.dockerHost(), options.host().environment().get("DOCKER_HOST"));
    }

    private static List<String> describe(List<CaCertificates.Certificate> certificates) {
        return certificates.stream().map(CaCertificates.Certificate::describe).toList();
    }

}
