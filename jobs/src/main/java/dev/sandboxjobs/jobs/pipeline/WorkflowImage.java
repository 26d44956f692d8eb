package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.toolchain.ImageChoice;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The testing-pipeline workflow's image: which variant a run uses, and what the report says about it. */
final class WorkflowImage {
    private WorkflowImage() {}

    /**
     * The image variant of a run: its {@code image} parameter, else the one a local directory's project
     * needs ({@link ImageChoice}), else the runtime image.
     */
    static String variant(PipelineRequest p) {
        if (p.image() != null) {
            return p.image();
        }
        try {
            Path local = PipelineImages.localDirectory(p);
            if (local != null) {
                return ImageChoice.forDirectory(local, p.subdirectory()).variant();
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            // validation reports bad parameters; the default image is fine for a run that will fail anyway
        }
        return PipelineRequest.IMAGE_RUNTIME;
    }

    /** What the report says about the image: which one, and whether the project's kind fits it. */
    static String note(TestingPipelineWorkflow.Images images, PipelineRequest p, Detection detection) {
        String variant = variant(p);
        String reference = images.resolve(variant);
        ImageChoice needed = ImageChoice.forDetection(detection);
        boolean named = variant.equals(PipelineRequest.IMAGE_RUNTIME) || variant.equals(PipelineRequest.IMAGE_FULL);
        if (!named) {
            return "image " + reference + " (given)";
        }
        if (variant.equals(needed.variant())) {
            return "image " + reference + ": " + needed.reason();
        }
        if (variant.equals(PipelineRequest.IMAGE_FULL)) {
            return "image " + reference + " (the full image, as asked; " + needed.reason() + ")";
        }
        return "image " + reference + " (the runtime image); " + needed.reason().replace("runs in the default runtime image", "")
                + " — run it with the image \"full\" (--full)";
    }
}
