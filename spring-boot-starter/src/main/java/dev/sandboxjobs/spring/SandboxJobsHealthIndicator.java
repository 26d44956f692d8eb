package dev.sandboxjobs.spring;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.setup.DoctorReport;
import dev.sandboxjobs.engine.setup.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * {@code sandboxJobs} in {@code /actuator/health}: UP when the Docker engine answers, the sandbox
 * image is present and the database can be written (the SQLite file, or the PostgreSQL server: reachable
 * and not read-only); details say which is not. Docker and the image
 * are read by the same checks as {@code sandbox-jobs doctor} (which change nothing).
 */
public class SandboxJobsHealthIndicator extends AbstractHealthIndicator {
    private final SandboxEngine engine;
    private final String dockerHost;

    public SandboxJobsHealthIndicator(SandboxEngine engine, String dockerHost) {
        super("Sandbox Jobs health check failed");
        this.engine = engine;
        this.dockerHost = dockerHost;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Setup.Builder setup = Setup.builder().installDocker(false);
        if (dockerHost != null && !dockerHost.isBlank()) {
            setup.dockerHost(dockerHost);
        }
        DoctorReport doctor = setup.build().doctor();
        boolean up = true;
        if (doctor.dockerProblem() == null) {
            builder.withDetail("docker", doctor.serverVersion() + " at " + doctor.dockerHost());
        } else {
            builder.withDetail("docker", "not reachable at " + doctor.dockerHost() + ": " + doctor.dockerProblem());
            up = false;
        }
        String image = engine.image();
        if (image.equals(doctor.imageAlias())) {
            builder.withDetail("image", image + (doctor.imagePresent() ? " present" : " missing: run sandbox-jobs setup"));
            up &= doctor.imagePresent();
        } else {
            builder.withDetail("image", image + " (not checked: not the default image)");
        }
        String location = engine.database().location();
        Path file = location.startsWith("jdbc:") ? null : Path.of(location);
        if (file != null) {
            boolean writable = Files.isWritable(file) && Files.isWritable(file.toAbsolutePath().getParent());
            builder.withDetail("database", file + (writable ? " writable" : " NOT writable"));
            up &= writable;
        } else {
            String writable = engine.database().writeProblem();
            builder.withDetail("database", location + (writable == null ? " writable" : " NOT writable: " + writable));
            up &= writable == null;
        }
        builder.withDetail("sandboxes", engine.listSandboxes().size());
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
