package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.Secret;
import dev.sandboxjobs.jobs.detect.Overrides;
import dev.sandboxjobs.jobs.detect.ProjectDetector;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.pipeline.internal.SdkPipelineSandbox;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Chooses the image variant of a testing-pipeline run from the project it will test, before the
 * run is submitted (a run's sandbox is fixed at submission): a local directory, or a
 * {@code file://} URL of one, is read on this host; any other repository is cloned once in a
 * short-lived sandbox of the runtime image and read there. An image given in the request wins.
 *
 * <pre>{@code
 * ImageChoice choice = PipelineImages.choose(engine, request, RuntimeImage.defaultReference());
 * request = request.withImage(choice.variant());
 * }</pre>
 */
public final class PipelineImages {
    /** Label of the short-lived sandbox that reads a remote repository. */
    public static final String PROBE_LABEL_VALUE = "testing-pipeline-image-choice";

    private PipelineImages() {
    }

    /**
     * The image variant for {@code request}: its own {@code image} when set, else the one its
     * project's kind needs.
     *
     * @param engine       the engine whose sandbox clones a remote repository (unused for local ones)
     * @param runtimeImage the image of that sandbox (it needs git)
     */
    public static ImageChoice choose(SandboxEngine engine, PipelineRequest request, String runtimeImage) {
        Objects.requireNonNull(request, "request");
        if (request.image() != null) {
            return new ImageChoice(request.image(), java.util.Set.of(), "asked for");
        }
        Path local = localDirectory(request);
        if (local != null) {
            ImageChoice choice = ImageChoice.forDirectory(local, request.subdirectory());
            if (!choice.kinds().isEmpty() || request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY) {
                return choice;
            }
        }
        return probe(engine, request, request.tokenSecret(), runtimeImage);
    }

    /**
     * Whether {@link #choose} can decide without an engine: an image is given, or the repository is a
     * directory of this host (or a {@code file://} URL of a working copy) whose project is recognised.
     */
    public static boolean decidesOnHost(PipelineRequest request) {
        if (request.image() != null) {
            return true;
        }
        Path local = localDirectory(request);
        return local != null && (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY
                || !ImageChoice.forDirectory(local, request.subdirectory()).kinds().isEmpty());
    }

    /** The host directory a local repository or a {@code file://} URL names, or null. */
    static Path localDirectory(PipelineRequest request) {
        if (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY) {
            return Path.of(request.repository());
        }
        if (request.repository().toLowerCase(Locale.ROOT).startsWith("file://")) {
            try {
                Path path = Path.of(URI.create(request.repository()));
                return Files.isDirectory(path) ? path : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** Clones the repository in a sandbox of {@code runtimeImage}, detects, destroys the sandbox. */
    private static ImageChoice probe(SandboxEngine engine, PipelineRequest request, String tokenSecret, String runtimeImage) {
        Objects.requireNonNull(engine, "engine");
        SandboxOptions.Builder options = SandboxOptions.builder().image(runtimeImage).network(NetworkMode.BRIDGE)
                .label(Labels.JOB, PROBE_LABEL_VALUE);
        if (tokenSecret != null) {
            options.secret(tokenSecret, Secret.fromEnv(tokenSecret));
        }
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        Sandbox sandbox = engine.getSandbox("image-choice-" + HexFormat.of().formatHex(random), options.build());
        try {
            PipelineSandbox box = new SdkPipelineSandbox(sandbox);
            CloneStep.Outcome cloned = new CloneStep(request, Workspace.DEFAULT, Clock.systemUTC(), tokenSecret).run(box);
            var detection = ProjectDetector.detect(InstallStep.readProjectFiles(box, cloned.projectDir()), Overrides.NONE,
                    Workspace.DEFAULT.reports());
            return ImageChoice.forDetection(detection);
        } catch (StepException e) {
            // the run itself will fail the same way and say why; its image does not matter
            return ImageChoice.forKinds(List.<ProjectKind>of(), "the repository could not be read: " + e.report().message());
        } finally {
            try {
                sandbox.destroy();
            } finally {
                sandbox.close();
            }
        }
    }
}
