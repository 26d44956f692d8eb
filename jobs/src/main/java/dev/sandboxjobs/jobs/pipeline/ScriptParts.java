package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.detect.NodeTestRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which part of a package script failed, read from the package manager's own banners in the output
 * ({@code > app@1.0.0 pretest} then {@code > eslint .} for npm and pnpm, {@code $ eslint .} for yarn):
 * a failing {@code pretest} hook, a chained tool (a linter, a build) that stopped the script before
 * its test runner reported anything, or one chained after the runner (a type check) that failed once
 * the tests had passed.
 */
final class ScriptParts {

    private static final Pattern NPM_BANNER = Pattern.compile("(?m)^> \\S+@\\S+ ([\\w:.-]+)(?: \\S+)?\\s*\\n> (.+)$");
    private static final Pattern YARN_BANNER = Pattern.compile("(?m)^\\$ (.+)$");
    private static final Pattern SPLIT = Pattern.compile("\\s*(?:&&|\\|\\||;)\\s*");

    private ScriptParts() {
    }

    /**
     * Why a test command that exited non-zero reported no failing test, when its output shows a script
     * part other than the runner stopped it; empty when it does not.
     *
     * @param output  the test command's output
     * @param runner  the runner detection expected ({@code ""} when unknown)
     * @param results whether the runner's results (all passing) were read from the output: then a part
     *                chained after it failed, not one before it
     */
    static String failedPart(String output, String runner, boolean results) {
        String script = null;
        String command = null;
        Matcher npm = NPM_BANNER.matcher(output);
        while (npm.find()) {
            script = npm.group(1);
            command = npm.group(2).strip();
        }
        if (command == null) {
            Matcher yarn = YARN_BANNER.matcher(output);
            while (yarn.find()) {
                command = yarn.group(1).strip();
            }
        }
        if (command == null) {
            return "";
        }
        if (script != null && script.startsWith("pre")) {
            return "the " + script + " script (`" + command + "`) failed before the tests ran";
        }
        if (script != null && script.startsWith("post")) {
            return "the tests ran, then the " + script + " script (`" + command + "`) failed";
        }
        List<String> parts = new ArrayList<>(List.of(SPLIT.split(command)));
        int at = -1;
        for (int i = 0; i < parts.size(); i++) {
            String r = NodeTestRunner.runnerOf(parts.get(i));
            if (!r.isEmpty() && (runner.isEmpty() || r.equals(runner))) {
                at = i;
                break;
            }
        }
        if (results) {
            if (at < 0 || at == parts.size() - 1) {
                return "";
            }
            String after = String.join("`, `", parts.subList(at + 1, parts.size()));
            return "the tests passed, then a part of the test script `" + command + "` after "
                    + NodeTestRunner.runnerOf(parts.get(at)) + " failed (`" + after + "`)";
        }
        if (at > 0) {
            String before = String.join("`, `", parts.subList(0, at));
            return "the test script `" + command + "` stopped before " + NodeTestRunner.runnerOf(parts.get(at))
                    + " reported any result: a part before it failed (`" + before + "`)";
        }
        if (at < 0 && parts.size() > 1) {
            return "the test script `" + command + "` failed in one of its parts; no test runner's results were found";
        }
        return "";
    }
}
