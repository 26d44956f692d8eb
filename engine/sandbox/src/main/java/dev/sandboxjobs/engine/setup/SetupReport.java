package dev.sandboxjobs.engine.setup;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Setup#run()} found and did.
 *
 * @param dockerHost      the engine's address, e.g. {@code unix:///var/run/docker.sock}
 * @param serverVersion   the Docker engine's version
 * @param apiVersion      the API version in use (negotiated, never pinned)
 * @param dockerInstalled true when setup installed Docker from the distribution's packages
 * @param dockerStarted   true when setup started the Docker daemon
 * @param baseImage       the runtime image's base, as {@code reference (how it was found)}
 * @param image           the content-addressed tag, {@code sandbox-jobs/runtime:<version>-<hash12>}
 * @param imageAlias      the alias sandboxes use, {@code sandbox-jobs/runtime:<version>}
 * @param imageId         the image id both tags point at
 * @param imageBuilt      true when this run built the image; false when it was already up to date
 * @param caCertificates  the extra CA certificates baked into the image, described
 * @param elapsed         how long setup took
 * @param fullImage       with {@link Setup.Builder#full(boolean)}: the full image's content-addressed tag,
 *                        {@code sandbox-jobs/runtime-full:<version>-<hash12>}; else null
 * @param fullImageAlias  with {@code full}: {@code sandbox-jobs/runtime-full:<version>}; else null
 * @param fullImageBuilt  true when this run built the full image
 */
public record SetupReport(String dockerHost, String serverVersion, String apiVersion, boolean dockerInstalled,
                          boolean dockerStarted, String baseImage, String image, String imageAlias, String imageId,
                          boolean imageBuilt, List<String> caCertificates, Duration elapsed, String fullImage,
                          String fullImageAlias, boolean fullImageBuilt) {
    public SetupReport {
        caCertificates = List.copyOf(caCertificates);
    }

    /** A few aligned lines for a terminal. */
    public String render() {
        StringBuilder out = new StringBuilder();
        String docker = dockerInstalled ? "installed and started" : dockerStarted ? "started" : "running";
        line(out, "Docker engine", serverVersion + " at " + dockerHost + " (" + docker + ")");
        line(out, "Docker API", apiVersion);
        line(out, "Base image", baseImage);
        line(out, "Runtime image", image + (imageBuilt ? " (built now)" : " (up to date)"));
        line(out, "Image alias", imageAlias + " -> " + shortId(imageId));
        if (fullImage != null) {
            line(out, "Full image", fullImage + (fullImageBuilt ? " (built now)" : " (up to date)"));
            line(out, "Full image alias", fullImageAlias);
        }
        line(out, "CA certificates", caCertificates.isEmpty() ? "none added" : caCertificates.size() + " added");
        for (String certificate : caCertificates) {
            line(out, "", "- " + certificate);
        }
        line(out, "Setup took", formatDuration(elapsed));
        return out.toString();
    }

    static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-16s %s%n", label, value));
    }

    static String shortId(String id) {
        if (id == null) {
            return "-";
        }
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.substring(0, Math.min(12, bare.length()));
    }

    static String formatDuration(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
