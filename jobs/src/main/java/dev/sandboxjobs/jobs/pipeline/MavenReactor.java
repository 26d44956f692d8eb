package dev.sandboxjobs.jobs.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Maven's reactor summary says of a multi-module build's modules. With {@code --fail-at-end}
 * a module that depends on a failed one is not built: it has no report files, and only the summary
 * names it ({@code [INFO] web ....... SKIPPED}).
 */
final class MavenReactor {
    private static final Pattern MODULE = Pattern.compile(
            "^\\[INFO\\] (.+?)(?: \\.+)? (SUCCESS|FAILURE|SKIPPED)(?: \\[.*\\])?\\s*$");

    private MavenReactor() {}

    /** The modules (as the summary names them) that Maven skipped, in the summary's order; none without a summary. */
    static List<String> skippedModules(String output) {
        List<String> skipped = new ArrayList<>();
        boolean inSummary = false;
        for (String line : output.split("\\R")) {
            if (line.startsWith("[INFO] Reactor Summary")) {
                inSummary = true;
                skipped.clear(); // the last summary counts (a wrapper script may run Maven twice)
                continue;
            }
            if (!inSummary) {
                continue;
            }
            Matcher m = MODULE.matcher(line);
            if (m.matches()) {
                if (m.group(2).equals("SKIPPED")) {
                    skipped.add(m.group(1).strip());
                }
            } else if (line.startsWith("[INFO] ---")) {
                inSummary = false;
            }
        }
        return skipped;
    }
}
