package dev.sandboxjobs.jobs.toolchain;

/**
 * What the report says about one tool: the version a project wanted, the one used, and how it got there.
 *
 * @param tool      {@code node}, {@code pnpm}, {@code java}, {@code maven}, {@code go}…
 * @param wanted    the version or range asked for, {@code ""} when the project names none
 * @param wantedBy  where that came from ({@code "package.json engines.node"}), {@code ""} when nothing asked
 * @param used      the version that ran, {@code ""} when it could not be found out
 * @param source    where the used one came from: {@code "image"}, {@code "npm registry"}, {@code "mvnw"}…
 * @param satisfied whether {@code used} meets {@code wanted} (true when nothing was wanted)
 * @param note      why, when it is worth saying ({@code "JDK 17 is not in the image; JDK 21 compiles for release 17"})
 */
public record ToolchainUse(String tool, String wanted, String wantedBy, String used, String source, boolean satisfied,
        String note) {
    public ToolchainUse {
        tool = nz(tool);
        wanted = nz(wanted);
        wantedBy = nz(wantedBy);
        used = nz(used);
        source = nz(source);
        note = nz(note);
    }

    /** One line for the report's notes: {@code "node 24.22.3 (image) — wanted >=20 by package.json engines.node"}. */
    public String describe() {
        StringBuilder s = new StringBuilder(tool).append(' ').append(used.isEmpty() ? "(version unknown)" : used);
        if (!source.isEmpty()) {
            s.append(" (").append(source).append(')');
        }
        if (!wanted.isEmpty()) {
            s.append(satisfied ? " — wanted " : " — NOT the wanted ").append(wanted);
            if (!wantedBy.isEmpty()) {
                s.append(" by ").append(wantedBy);
            }
        }
        if (!note.isEmpty()) {
            s.append(": ").append(note);
        }
        return s.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s.strip();
    }
}
