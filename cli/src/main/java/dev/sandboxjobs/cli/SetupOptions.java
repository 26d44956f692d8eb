package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.Setup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by setup, doctor, demo and test: they describe the same machine, image and database. */
final class SetupOptions {
    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "Extra CA certificate (PEM) to trust in the image; repeatable. Also read: SANDBOX_JOBS_CA_CERTS (files separated by ':').")
    List<Path> caCerts = new ArrayList<>();

    @Option(names = "--no-host-ca", description = "Do not add the host's /usr/local/share/ca-certificates/*.crt to the image.")
    boolean noHostCa;

    @Option(names = "--docker-host", paramLabel = "URI", description = "Docker engine, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, else that socket).")
    String dockerHost;

    @Option(names = "--base-image", paramLabel = "IMAGE",
            description = "Base of the runtime image (default: debian:trixie-slim if present or pullable, else a Debian base made with debootstrap).")
    String baseImage;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Whether {@code --verbose} was given (then setup prints the tools' output too). */
    boolean verbose() {
        return command != null && command.root().userObject() instanceof Main main && main.verbose;
    }

    /** Progress for setup: a line per phase on {@code out}, the rest in a log file under the data directory. */
    SetupProgress progress(PrintWriter out) {
        return new SetupProgress(out, SetupProgress.logFileIn(database.dataDirectory()), verbose(), System::nanoTime);
    }

    Setup.Builder builder(SetupProgress progress) {
        Setup.Builder builder = Setup.builder()
                .dockerHost(dockerHost)
                .baseImage(baseImage)
                .hostCaCertificates(!noHostCa)
                .dataDirectory(database.dataDirectory())
                .progress(progress);
        // doctor checks a SQLite file; a PostgreSQL database is checked by the commands that open it
        database.location().file().ifPresent(builder::databaseFile);
        caCerts.forEach(builder::addCaCertificate);
        return builder;
    }
}
