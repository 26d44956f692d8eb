package dev.sandboxjobs.jobs.toolchain;

import dev.sandboxjobs.jobs.detect.Detection;
import dev.sandboxjobs.jobs.detect.ProjectDetector;
import dev.sandboxjobs.jobs.detect.ProjectFiles;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.detect.Overrides;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The image variant a project needs, from its kind: the default runtime image has Node (with npm and
 * corepack; pnpm and yarn are provisioned on demand), Python with pytest, make and a C compiler; the
 * full image adds JDK 21 and 25 with Maven, Go, Rust and CMake.
 *
 * <pre>{@code
 * ImageChoice choice = ImageChoice.forDirectory(Path.of("my-go-module"), "");
 * choice.variant();   // "full"
 * choice.reason();    // "a go project (go.mod found) needs Go, which only the full image has"
 * }</pre>
 *
 * @param variant {@value #RUNTIME} or {@value #FULL}
 * @param kinds   the project kinds it was chosen for
 * @param reason  why, for the report and the terminal
 */
public record ImageChoice(String variant, Set<ProjectKind> kinds, String reason) {
    /** The default runtime image's variant name. */
    public static final String RUNTIME = "runtime";
    /** The full image's variant name. */
    public static final String FULL = "full";

    /** The kinds whose toolchain is only in the full image. */
    public static final Set<ProjectKind> FULL_KINDS =
            EnumSet.of(ProjectKind.MAVEN, ProjectKind.GRADLE, ProjectKind.GO, ProjectKind.RUST);

    public ImageChoice {
        Objects.requireNonNull(variant, "variant");
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        reason = reason == null ? "" : reason;
    }

    /** The image for projects of {@code kinds} (several for a monorepo): the full one if any needs it. */
    public static ImageChoice forKinds(Collection<ProjectKind> kinds, String why) {
        Set<ProjectKind> set = kinds.isEmpty() ? EnumSet.noneOf(ProjectKind.class) : EnumSet.copyOf(kinds);
        List<String> needs = new ArrayList<>();
        for (ProjectKind kind : set) {
            if (FULL_KINDS.contains(kind)) {
                needs.add(switch (kind) {
                    case MAVEN -> "a JDK and Maven";
                    case GRADLE -> "a JDK";
                    case GO -> "Go";
                    default -> "Rust";
                });
            }
        }
        String what = set.isEmpty() ? "an unknown project" : "a " + String.join(" + ",
                set.stream().map(ProjectKind::id).toList()) + " project" + (why == null || why.isBlank() ? "" : " (" + why + ")");
        if (!needs.isEmpty()) {
            return new ImageChoice(FULL, set, what + " needs " + String.join(" and ", new LinkedHashSet<>(needs))
                    + ", which only the full image has");
        }
        return new ImageChoice(RUNTIME, set, what + " runs in the default runtime image");
    }

    /** The image for a detected project: a CMake project is a make project that needs CMake, in the full image only. */
    public static ImageChoice forDetection(Detection detection) {
        String why = detection.notes().isEmpty() ? "" : detection.notes().get(0);
        if (detection.kind() == ProjectKind.MAKE && "cmake".equals(detection.tool())) {
            return new ImageChoice(FULL, Set.of(ProjectKind.MAKE), "a make project (" + why
                    + ") needs CMake, which only the full image has");
        }
        return forKinds(detection.kind() == ProjectKind.UNKNOWN ? List.of() : List.of(detection.kind()), why);
    }

    /**
     * The image for the project in a host directory ({@code subdirectory} of it, {@code ""} for the root),
     * detected from the same files the pipeline reads in the sandbox.
     */
    public static ImageChoice forDirectory(Path repository, String subdirectory) {
        Path dir = subdirectory == null || subdirectory.isEmpty() ? repository : repository.resolve(subdirectory);
        return forDetection(ProjectDetector.detect(readHostFiles(dir), Overrides.NONE, "/tmp/sandbox-jobs-reports"));
    }

    /** The root listing and the files detection and {@link ToolchainDetector} read, from a host directory. */
    public static ProjectFiles readHostFiles(Path dir) {
        List<String> listing = new ArrayList<>();
        Map<String, String> contents = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return ProjectFiles.of(listing, contents);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> listing.add(p.getFileName().toString()));
        } catch (IOException e) {
            return ProjectFiles.of(listing, contents);
        }
        Set<String> names = new LinkedHashSet<>(ProjectFiles.FILES_TO_READ);
        names.addAll(ToolchainDetector.FILES_TO_READ);
        for (String name : names) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    byte[] bytes;
                    try (var in = Files.newInputStream(file)) {
                        bytes = in.readNBytes(ProjectFiles.MAX_CONTENT_CHARS);
                    }
                    contents.put(name, new String(bytes, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // unreadable: detection does without it
                }
            }
        }
        return ProjectFiles.of(listing, contents);
    }
}
