package dev.sandboxjobs.engine.interpreter;

import com.github.dockerjava.api.DockerClient;
import dev.sandboxjobs.engine.testing.TestImages;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A labelled container of the runtime image for tests, with this working tree's executors
 * bind-mounted where the image installs them, so tests run the code under review.
 */
public final class RuntimeContainer implements AutoCloseable {
    /** The runtime image (its content-addressed tag); override with -Dsandboxjobs.runtimeImage=... */
    public static final String IMAGE = System.getProperty("sandboxjobs.runtimeImage",
            TestImages.runtime());
    public static final String LABEL = "dev.sandboxjobs.test";

    private final DockerClient docker;
    private final String id;
    private boolean closed;

    private RuntimeContainer(DockerClient docker, String id) {
        this.docker = docker;
        this.id = id;
    }

    /** Starts {@code cmd} (default: sleep forever) in a fresh container of the runtime image. */
    public static RuntimeContainer start(String purpose, String... cmd) {
        return start(purpose, Map.of(), cmd);
    }

    /** Starts {@code cmd} with extra environment variables. */
    public static RuntimeContainer start(String purpose, Map<String, String> env, String... cmd) {
        DockerClient docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("The runtime image " + IMAGE + " is missing: build it first"
                    + " (runtime-image/) or pass -Dsandboxjobs.runtimeImage=<image>", e);
        }
        Path helpers = helpersDir();
        CreateContainerResponse created = docker.createContainerCmd(IMAGE)
                .withLabels(Map.of(LABEL, purpose))
                .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withCmd(cmd.length == 0 ? new String[] {"sleep", "infinity"} : cmd)
                .withHostConfig(HostConfig.newHostConfig()
                        .withBinds(new Bind(helpers.toString(), new Volume("/opt/sandbox-jobs/interpreter"), AccessMode.ro))
                        .withMemory(1024L * 1024 * 1024)
                        .withPidsLimit(512L))
                .exec();
        docker.startContainerCmd(created.getId()).exec();
        return new RuntimeContainer(docker, created.getId());
    }

    /** The executors in this working tree (found from the module's directory upwards). */
    public static Path helpersDir() {
        Path relative = Path.of("runtime-image", "src", "main", "docker", "helpers", "interpreter");
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException("executors not found at " + relative + " in " + Path.of("").toAbsolutePath()
                + " or a directory above it");
    }

    public DockerClient docker() {
        return docker;
    }

    public String id() {
        return id;
    }

    /** The container's address on Docker's default bridge. */
    public String ipAddress() {
        return docker.inspectContainerCmd(id).exec().getNetworkSettings().getIpAddress();
    }

    /** Runs argv in the container and returns its stdout (stderr appended). */
    public String exec(String... argv) {
        String execId = docker.execCreateCmd(id).withAttachStdout(true).withAttachStderr(true).withCmd(argv).exec().getId();
        StringBuilder out = new StringBuilder();
        try {
            docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (out) {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            }).awaitCompletion(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            return out.toString();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            // already gone
        }
        try {
            docker.close();
        } catch (Exception e) {
            // nothing left to release
        }
    }
}
