package dev.sandboxjobs.jobs.detect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which test runner a Node project's {@code test} script runs, and how to ask it for a
 * machine-readable report without changing the script.
 *
 * <p>The script is read as the shell would split it ({@code &&}, {@code ||}, {@code ;}, {@code |}),
 * following {@code npm run x}/{@code yarn x}/{@code pnpm run x} into other scripts; environment
 * assignments and wrappers ({@code cross-env}, {@code npx}, {@code c8}, {@code nyc}…) are skipped. When
 * the runner is the last command of the {@code test} script itself, report flags are appended through
 * the package manager ({@code npm test -- --json …}), which hands them to that last command only; the
 * script's other parts and its {@code pretest}/{@code posttest} hooks run as written.
 *
 * @param runner    {@code mocha}, {@code jest}, {@code vitest}, {@code ava}, {@code tap}, {@code node:test},
 *                  {@code jasmine}, {@code uvu}, or {@code ""} when none was recognised
 * @param why       how it was recognised, for the report
 * @param parts     the commands the script runs, in order (after following other scripts)
 * @param runnerAt  index of the runner's command in {@code parts}, or -1
 * @param flags     arguments appended for a machine-readable report (empty: none)
 * @param format    what the output (or report) will look like
 * @param reports   report files the flags make the runner write
 */
public record NodeTestRunner(String runner, String why, List<String> parts, int runnerAt, List<String> flags,
        ResultFormat format, List<String> reports) {

    /** Runner packages recognised in dependencies when the script names none. */
    static final List<String> PACKAGES = List.of("vitest", "jest", "mocha", "ava", "tap", "jasmine", "uvu");

    private static final Set<String> WRAPPERS = Set.of("cross-env", "env", "npx", "c8", "nyc", "dotenv",
            "cross-env-shell", "time", "nice", "exec", "xvfb-run", "ts-node", "with-env");
    private static final Pattern RUN_OTHER = Pattern.compile(
            "^(?:npm|pnpm)\\s+(?:run|run-script)\\s+(?:--silent\\s+|-s\\s+)?([\\w:.@/-]+)\\s*$|^yarn\\s+(?:run\\s+)?([\\w:.@/-]+)\\s*$");
    private static final Pattern SPLIT = Pattern.compile("\\s*(?:&&|\\|\\||;|\\|)\\s*");

    public NodeTestRunner {
        parts = List.copyOf(parts);
        flags = List.copyOf(flags);
        reports = List.copyOf(reports);
    }

    /** The runner of {@code pkg}'s test script; {@code reportsDir} is where report flags write. */
    public static NodeTestRunner of(JsonNode pkg, String reportsDir) {
        JsonNode scripts = pkg.path("scripts");
        String test = scripts.path("test").asText("");
        List<String> parts = new ArrayList<>();
        List<Boolean> direct = new ArrayList<>();
        expand(scripts, test, 0, true, parts, direct);
        for (int i = 0; i < parts.size(); i++) {
            String runner = runnerOf(parts.get(i));
            if (runner.isEmpty()) {
                continue;
            }
            boolean last = direct.get(i) && i == lastDirect(direct);
            String why = "the test script runs `" + parts.get(i) + "`";
            return withFlags(runner, why, parts, i, last, reportsDir);
        }
        for (String name : PACKAGES) {
            if (pkg.path("devDependencies").has(name) || pkg.path("dependencies").has(name)) {
                return new NodeTestRunner(name, name + " is a dependency (the test script does not name a runner)", parts,
                        -1, List.of(), formatOf(name), List.of());
            }
        }
        return new NodeTestRunner("", "no known test runner in the test script or the dependencies", parts, -1,
                List.of(), ResultFormat.AUTO, List.of());
    }

    private static NodeTestRunner withFlags(String runner, String why, List<String> parts, int at, boolean last,
            String reportsDir) {
        List<String> flags = List.of();
        List<String> reports = List.of();
        ResultFormat format = formatOf(runner);
        if (last) {
            switch (runner) {
                case "jest" -> {
                    reports = List.of(reportsDir + "/jest.json");
                    flags = List.of("--json", "--outputFile=" + reports.get(0));
                    format = ResultFormat.JUNIT_XML;
                }
                case "vitest" -> {
                    reports = List.of(reportsDir + "/vitest.xml");
                    flags = List.of("--reporter=default", "--reporter=junit", "--outputFile.junit=" + reports.get(0));
                    format = ResultFormat.JUNIT_XML;
                }
                case "ava" -> {
                    flags = List.of("--tap");
                    format = ResultFormat.TAP;
                }
                default -> { }
            }
        }
        String how = flags.isEmpty() ? "" : "; asked for its report with " + String.join(" ", flags);
        return new NodeTestRunner(runner, why + how, parts, at, flags, format, reports);
    }

    private static ResultFormat formatOf(String runner) {
        return switch (runner) {
            case "tap", "node:test" -> ResultFormat.TAP;
            case "mocha", "jest", "vitest", "ava", "jasmine", "uvu" -> ResultFormat.RUNNER_TEXT;
            default -> ResultFormat.AUTO;
        };
    }

    private static int lastDirect(List<Boolean> direct) {
        int last = -1;
        for (int i = 0; i < direct.size(); i++) {
            if (direct.get(i)) {
                last = i;
            }
        }
        return last;
    }

    private static void expand(JsonNode scripts, String script, int depth, boolean top, List<String> parts,
            List<Boolean> direct) {
        for (String part : SPLIT.split(script.strip())) {
            if (part.isBlank()) {
                continue;
            }
            Matcher m = RUN_OTHER.matcher(part.strip());
            String other = m.matches() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
            if (other != null && depth < 4 && scripts.has(other) && !other.equals("test")) {
                for (String hook : new String[] {"pre" + other, other, "post" + other}) {
                    if (scripts.has(hook)) {
                        expand(scripts, scripts.path(hook).asText(""), depth + 1, false, parts, direct);
                    }
                }
                continue;
            }
            parts.add(part.strip());
            direct.add(top);
        }
    }

    /** The runner a single command starts, or {@code ""}. */
    public static String runnerOf(String command) {
        String[] tokens = command.strip().split("\\s+");
        int i = 0;
        while (i < tokens.length) {
            String t = tokens[i];
            if (t.matches("[A-Za-z_][A-Za-z0-9_]*=.*") || WRAPPERS.contains(t) || t.startsWith("-") && i > 0) {
                i++;
                continue;
            }
            if ((t.equals("pnpm") || t.equals("yarn")) && i + 1 < tokens.length && tokens[i + 1].equals("exec")) {
                i += 2;
                continue;
            }
            break;
        }
        if (i >= tokens.length) {
            return "";
        }
        String program = tokens[i].replaceFirst("^.*/node_modules/\\.bin/", "").replaceFirst("^\\./node_modules/\\.bin/", "");
        if (program.equals("node") || program.equals("tsx") || program.equals("ts-node")) {
            for (int j = i + 1; j < tokens.length; j++) {
                if (tokens[j].equals("--test") || tokens[j].startsWith("--test=")) {
                    return "node:test";
                }
            }
            return "";
        }
        return switch (program) {
            case "mocha", "_mocha" -> "mocha";
            case "jest", "react-scripts" -> program.equals("jest") || command.contains(" test") ? "jest" : "";
            case "vitest" -> "vitest";
            case "ava" -> "ava";
            case "tap", "node-tap" -> "tap";
            case "jasmine" -> "jasmine";
            case "uvu" -> "uvu";
            case "tape" -> "tap";
            default -> "";
        };
    }

    /** The commands the script runs before the runner's (a linter, a build), in order. */
    public List<String> before() {
        return runnerAt <= 0 ? List.of() : parts.subList(0, runnerAt);
    }
}
