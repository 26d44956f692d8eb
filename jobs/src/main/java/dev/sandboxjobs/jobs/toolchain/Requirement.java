package dev.sandboxjobs.jobs.toolchain;

import java.util.Objects;

/**
 * A version a project asks for.
 *
 * @param tool   the tool
 * @param spec   the version or range as the project wrote it, normalised where the syntax allows
 *               ({@code ">=20"}, {@code "18.17.0"}, {@code "21"}, {@code "[3.9,)"}, {@code "1.22"})
 * @param source where it was found ({@code "package.json engines.node"}, {@code ".nvmrc"}, …)
 */
public record Requirement(Toolchain tool, String spec, String source) {
    public Requirement {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
    }
}
