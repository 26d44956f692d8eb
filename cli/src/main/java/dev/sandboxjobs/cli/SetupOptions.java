package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.Setup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by setup, doctor and demo: they describe the same machine and image. */
final class SetupOptions {
    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "Extra CA certificate (PEM) to trust in the image; repeatable. Also read: SANDBOX_JOBS_CA_CERTS (files separated by ':').")
    List<Path> caCerts = new ArrayList<>();

    @Option(names = "--no-host-ca", description = "Do not add the host's /usr/local/share/ca-certificates/*.crt to the image.")
    boolean noHostCa;

    @Option(names = "--docker-host", paramLabel = "URI", description = "Docker engine, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, else that socket).")
    String dockerHost;

    @Option(names = "--base-image", paramLabel = "IMAGE",
            description = "Base of the runtime image (default: debian:bookworm-slim if present or pullable, else a Debian base made with debootstrap).")
    String baseImage;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the database lives (default: SANDBOX_JOBS_DATA_DIR, else ~/.sandbox-jobs).")
    Path dataDir;

    Setup.Builder builder(PrintWriter progress) {
        Setup.Builder builder = Setup.builder()
                .dockerHost(dockerHost)
                .baseImage(baseImage)
                .hostCaCertificates(!noHostCa)
                .dataDirectory(dataDir)
                .progress(line -> {
                    progress.println(line);
                    progress.flush();
                });
        caCerts.forEach(builder::addCaCertificate);
        return builder;
    }
}
