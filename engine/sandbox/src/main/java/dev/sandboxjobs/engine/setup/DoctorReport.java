package dev.sandboxjobs.engine.setup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user needs to see when something is wrong: the Docker engine, the runtime image, the
 * database and the CA certificates. Made by {@link Setup#doctor()}, which changes nothing.
 *
 * @param dockerHost       where setup looks for Docker
 * @param dockerProblem    why Docker does not answer, or null when it does
 * @param serverVersion    the engine's version, or null
 * @param apiVersion       the API version in use, or null
 * @param imageAlias       the image sandboxes use, {@code sandbox-jobs/runtime:<version>}
 * @param imageId          the id of {@code imageAlias}, or null when it is missing
 * @param expectedImage    the tag setup would build now ({@code <version>-<hash12>}), or null when unknown
 *                         (no Docker, or no base image yet)
 * @param imageUpToDate    true when {@code imageAlias} is the image of {@code expectedImage}
 * @param database         where the embedded database lives
 * @param databaseExists   whether that file exists yet
 * @param caCertificates   the extra CA certificates setup would add, described
 * @param problems         what is wrong, each with what to do; empty when all is well
 */
public record DoctorReport(String dockerHost, String dockerProblem, String serverVersion, String apiVersion,
                           String imageAlias, String imageId, String expectedImage, boolean imageUpToDate,
                           Path database, boolean databaseExists, List<String> caCertificates, List<String> problems) {
    public DoctorReport {
        caCertificates = List.copyOf(caCertificates);
        problems = List.copyOf(problems);
    }

    /** True when Docker answers and the runtime image is present and up to date. */
    public boolean healthy() {
        return problems.isEmpty();
    }

    public boolean imagePresent() {
        return imageId != null;
    }

    /** Aligned lines for a terminal, problems last. */
    public String render() {
        StringBuilder out = new StringBuilder();
        if (dockerProblem == null) {
            SetupReport.line(out, "Docker engine", serverVersion + " at " + dockerHost);
            SetupReport.line(out, "Docker API", apiVersion + " (negotiated)");
        } else {
            SetupReport.line(out, "Docker engine", "NOT REACHABLE at " + dockerHost + ": " + dockerProblem);
        }
        String image;
        if (dockerProblem != null) {
            image = imageAlias + " unknown (Docker not reachable)";
        } else if (imageId == null) {
            image = imageAlias + " MISSING";
        } else {
            image = imageAlias + " present (" + SetupReport.shortId(imageId) + ")"
                    + (expectedImage == null ? "" : imageUpToDate ? ", up to date" : ", OUT OF DATE");
        }
        SetupReport.line(out, "Runtime image", image);
        if (expectedImage != null) {
            SetupReport.line(out, "Expected tag", expectedImage);
        }
        SetupReport.line(out, "Database", database + (databaseExists ? "" : " (not created yet)"));
        SetupReport.line(out, "CA certificates", caCertificates.isEmpty() ? "none added" : caCertificates.size() + " added");
        for (String certificate : caCertificates) {
            SetupReport.line(out, "", "- " + certificate);
        }
        List<String> lines = new ArrayList<>(problems);
        SetupReport.line(out, "Status", lines.isEmpty() ? "OK" : lines.size() + " problem(s)");
        for (String problem : lines) {
            SetupReport.line(out, "", "! " + problem);
        }
        return out.toString();
    }
}
