package dev.sandboxjobs.engine.setup.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes the offline base image: a minimal Debian trixie root filesystem from debootstrap,
 * streamed as a tar straight into Docker's image import (no registry, no temporary archive).
 */
final class DebianBase {
    public static final String SUITE = "trixie";

    private final Host host;
    private final DockerClient docker;
    private final Consumer<String> progress;

    public DebianBase(Host host, DockerClient docker, Consumer<String> progress) {
        this.host = host;
        this.docker = docker;
        this.progress = progress;
    }

    /** Builds {@link BaseImagePlan#DEBOOTSTRAP_BASE} and returns its image id. */
    public String make() {
        return make(BaseImagePlan.DEBOOTSTRAP_BASE);
    }

    /** Builds a Debian base tagged {@code reference} ({@code repository:tag}) and returns its image id. */
    public String make(String reference) {
        if (!host.isRoot()) {
            throw new SandboxException(ErrorCode.IMAGE_MISSING, "No base image for the runtime image: "
                    + BaseImagePlan.DEFAULT_BASE + " cannot be pulled, and making a Debian base with debootstrap needs root."
                    + " Run `sudo ./sandbox-jobs setup` once, or load " + BaseImagePlan.DEFAULT_BASE
                    + " (docker load) and run setup again.");
        }
        String debootstrap = host.which("debootstrap").map(Path::toString).orElseGet(this::installDebootstrap);
        String mirror = AptMirror.forSuite(SUITE, Path.of("/etc/apt"));
        Path root = null;
        try {
            root = Files.createTempDirectory(scratchParent(), "sandbox-jobs-debootstrap-");
            progress.accept("Making a Debian " + SUITE + " base with debootstrap from " + mirror + " (a few minutes)");
            List<String> argv = List.of(debootstrap, "--variant=minbase", SUITE, root.toString(), mirror);
            progress.accept("$ " + String.join(" ", argv));
            int exit = host.run(argv, Map.of(), line -> progress.accept("  " + line));
            if (exit != 0) {
                throw new SandboxException(ErrorCode.IMAGE_MISSING, "debootstrap failed with exit code " + exit
                        + " (see its output: above, or in the log file setup names). Check that " + mirror + " is reachable, or load "
                        + BaseImagePlan.DEFAULT_BASE + " (docker load) and run setup again.");
            }
            host.run(List.of("rm", "-rf", root.resolve("var/cache/apt/archives").toString(),
                    root.resolve("var/lib/apt/lists").toString()), Map.of(), line -> progress.accept("  " + line));
            Files.createDirectories(root.resolve("var/cache/apt/archives/partial"));
            Files.createDirectories(root.resolve("var/lib/apt/lists/partial"));
            return importRootFilesystem(root, reference);
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.IMAGE_MISSING, "Could not make the Debian base: " + e.getMessage(), e);
        } finally {
            if (root != null) {
                host.run(List.of("rm", "-rf", "--one-file-system", root.toString()), Map.of(), line -> progress.accept("  " + line));
            }
        }
    }

    /** Streams {@code tar -C root -c .} into Docker's image import as {@code reference}; returns the image id. */
    public String importRootFilesystem(Path root, String reference) throws IOException {
        progress.accept("Importing the root filesystem as " + reference);
        Process tar = new ProcessBuilder("tar", "-C", root.toString(), "--numeric-owner", "-c", ".")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (InputStream rootfs = tar.getInputStream()) {
            importTar(rootfs, reference);
        } finally {
            try {
                int exit = tar.waitFor();
                if (exit != 0) {
                    throw new SandboxException(ErrorCode.IMAGE_MISSING, "tar of the debootstrap root failed with exit code " + exit);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tar.destroy();
            }
        }
        return docker.inspectImageCmd(reference).exec().getId();
    }

    /**
     * {@code POST /images/create?fromSrc=-} with the tar as a streamed body, through docker-java's
     * transport: its {@code createImageCmd} serializes the stream as JSON instead of sending it.
     */
    private void importTar(InputStream rootfs, String reference) throws IOException {
        if (!(docker instanceof DockerClientImpl impl)) {
            throw new IllegalStateException("importing needs docker-java's DockerClientImpl, got " + docker.getClass());
        }
        String[] nameAndTag = RuntimeImageBuilder.split(reference);
        String apiVersion = docker.versionCmd().exec().getApiVersion();
        String path = "/v" + apiVersion + "/images/create?fromSrc=-&repo=" + encode(nameAndTag[0]) + "&tag=" + encode(nameAndTag[1]);
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(path)
                .putHeader("Content-Type", "application/x-tar")
                .body(rootfs)
                .build();
        try (DockerHttpClient.Response response = impl.getHttpClient().execute(request)) {
            String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() / 100 != 2 || body.contains("\"error\"")) {
                throw new SandboxException(ErrorCode.IMAGE_MISSING, "Docker refused the debootstrap root filesystem (HTTP "
                        + response.getStatusCode() + "): " + body.strip());
            }
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** /var/tmp rather than /tmp: the root filesystem takes a few hundred MB and /tmp may be a small tmpfs. */
    private static Path scratchParent() {
        Path varTmp = Path.of("/var/tmp");
        return Files.isDirectory(varTmp) && Files.isWritable(varTmp) ? varTmp : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private String installDebootstrap() {
        progress.accept("debootstrap is missing: installing it with apt-get");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        List<String> updateArgv = AptGet.argv("update");
        List<String> installArgv = AptGet.argv("install", "-y", "debootstrap", "debian-archive-keyring");
        progress.accept("$ " + String.join(" ", updateArgv));
        int update = host.run(updateArgv, env, line -> progress.accept("  " + line));
        if (update == 0) {
            progress.accept("$ " + String.join(" ", installArgv));
        }
        int install = update != 0 ? update : host.run(installArgv, env, line -> progress.accept("  " + line));
        return host.which("debootstrap").map(Path::toString).orElseThrow(() -> new SandboxException(ErrorCode.IMAGE_MISSING,
                "Could not install debootstrap (apt-get exit code " + install + "). Install it (apt-get install debootstrap)"
                        + " or load " + BaseImagePlan.DEFAULT_BASE + " (docker load), and run setup again."));
    }
}
