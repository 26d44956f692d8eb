package dev.sandboxjobs.jobs.toolchain.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.artifact.versioning.ComparableVersion;
import org.apache.maven.artifact.versioning.DefaultArtifactVersion;
import org.apache.maven.artifact.versioning.InvalidVersionSpecificationException;
import org.apache.maven.artifact.versioning.VersionRange;
import org.semver4j.Semver;

/**
 * Version checks in each ecosystem's own syntax: npm ranges through semver4j (the same grammar as
 * node-semver), Maven ranges through Maven's own {@code maven-artifact} (what the enforcer plugin
 * uses), and the small part of PEP 440 that {@code requires-python} uses, written here (no
 * well-kept Java library implements PEP 440 specifiers).
 */
public final class Versions {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    private Versions() {
    }

    /** Whether npm's range {@code range} admits {@code version}; empty when either cannot be read. */
    public static Optional<Boolean> npmSatisfies(String version, String range) {
        try {
            Semver v = Semver.coerce(version);
            if (v == null) {
                return Optional.empty();
            }
            return Optional.of(v.satisfies(range.strip()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code spec} names one exact version ({@code 18.17.0}), not a range. */
    public static boolean isExactNpmVersion(String spec) {
        return spec.strip().matches("v?\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?");
    }

    /**
     * Whether Maven {@code version} meets the enforcer-style requirement {@code spec}: a range
     * ({@code [3.9,)}) or a plain version, which means "at least" as in requireMavenVersion.
     */
    public static Optional<Boolean> mavenSatisfies(String version, String spec) {
        String s = spec.strip();
        try {
            if (s.startsWith("[") || s.startsWith("(")) {
                return Optional.of(VersionRange.createFromVersionSpec(s).containsVersion(new DefaultArtifactVersion(version)));
            }
            return Optional.of(new ComparableVersion(version).compareTo(new ComparableVersion(s)) >= 0);
        } catch (InvalidVersionSpecificationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Compares dotted numeric versions ({@code 1.22} vs {@code 1.27.4}) the way Maven orders versions. */
    public static int compare(String a, String b) {
        return new ComparableVersion(a).compareTo(new ComparableVersion(b));
    }

    /**
     * Whether Python {@code version} meets a PEP 440 specifier set ({@code ">=3.9,<4"}, {@code "~=3.10"},
     * {@code "==3.11.*"}) or a bare version ({@code "3.11"} from .python-version: same major.minor);
     * empty when the specifier cannot be read.
     */
    public static Optional<Boolean> pythonSatisfies(String version, String spec) {
        String s = spec.strip();
        if (s.matches("\\d+(\\.\\d+)*")) {
            List<Integer> want = numbers(s);
            List<Integer> have = numbers(version);
            for (int i = 0; i < want.size(); i++) {
                if (i >= have.size() || !want.get(i).equals(have.get(i))) {
                    return Optional.of(false);
                }
            }
            return Optional.of(true);
        }
        for (String clause : s.split(",")) {
            Matcher m = Pattern.compile("^\\s*(~=|==|!=|<=|>=|<|>|===)\\s*([0-9][0-9.]*)(\\.\\*)?\\s*$").matcher(clause);
            if (!m.find()) {
                return Optional.empty();
            }
            String op = m.group(1);
            String v = m.group(2);
            boolean wildcard = m.group(3) != null;
            int c = compare(version, v);
            boolean ok = switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                case "==", "===" -> wildcard ? prefixMatches(version, v) : c == 0;
                case "!=" -> wildcard ? !prefixMatches(version, v) : c != 0;
                case "~=" -> c >= 0 && prefixMatches(version, v.contains(".") ? v.substring(0, v.lastIndexOf('.')) : v);
                default -> false;
            };
            if (!ok) {
                return Optional.of(false);
            }
        }
        return Optional.of(true);
    }

    /** The leading {@code major.minor.patch} numbers of {@code text} ({@code "v24.22.3"} → [24, 22, 3]). */
    public static List<Integer> numbers(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = NUMBERS.matcher(text);
        if (m.find()) {
            for (int i = 1; i <= 3; i++) {
                if (m.group(i) != null) {
                    out.add(Integer.parseInt(m.group(i)));
                }
            }
        }
        return out;
    }

    /**
     * The first {@code x.y[.z][-qualifier]} in {@code text}, e.g. {@code 1.27.4} from
     * {@code "go version go1.27.4 linux/amd64"}, {@code 4.0.0-rc-4} from {@code "Apache Maven 4.0.0-rc-4 (…)"}.
     */
    public static Optional<String> firstVersion(String text) {
        Matcher m = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?(?:-[A-Za-z][A-Za-z0-9.-]*[A-Za-z0-9])?)").matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static boolean prefixMatches(String version, String prefix) {
        List<Integer> have = numbers(version);
        List<Integer> want = numbers(prefix);
        for (int i = 0; i < want.size(); i++) {
            if (i >= have.size() || !want.get(i).equals(have.get(i))) {
                return false;
            }
        }
        return true;
    }
}
