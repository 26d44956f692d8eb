package dev.sandboxjobs.jobs.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packages of a monorepo, tested one by one and grouped in the report: npm/yarn workspaces
 * ({@code "workspaces"} in package.json) and pnpm workspaces ({@code pnpm-workspace.yaml}), and Go
 * repositories with several modules ({@code go.work}, or nested {@code go.mod} files, which
 * {@code go test ./...} does not enter). A Maven multi-module build runs as one reactor; its results
 * are grouped by module from the report files' paths instead.
 *
 * <p>A Node monorepo whose root {@code test} script does its own thing (not a fan-out through
 * {@code --workspaces}, turbo, lerna, nx, {@code pnpm -r}…) keeps it: the script runs as written.
 */
public final class Monorepo {

    /** How deep package directories are looked for below the project directory. */
    public static final int SEARCH_DEPTH = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FAN_OUT = Pattern.compile(
            "--workspaces?\\b|(^|\\s)-ws\\b|\\bturbo\\b|\\blerna\\b|\\bnx\\b|pnpm\\s+(-r|--recursive|-w|--filter)\\b"
                    + "|workspaces\\s+(foreach|run)\\b|\\bwsrun\\b|\\bultra\\b");
    private static final Pattern YAML_ITEM = Pattern.compile("^\\s*-\\s*['\"]?([^'\"#]+?)['\"]?\\s*(#.*)?$");
    private static final Pattern GO_MODULE = Pattern.compile("(?m)^module\\s+(\\S+)");

    private Monorepo() {
    }

    /**
     * {@code detection} with the monorepo's packages when it is one, else {@code detection} itself.
     *
     * @param detection  the root's detection
     * @param root       the root's files (listing and contents)
     * @param listing    paths below the project directory, up to {@link #SEARCH_DEPTH} deep
     * @param read       reads a file below the project directory by relative path
     * @param reportsDir where report flags make runners write
     */
    public static Detection discover(Detection detection, ProjectFiles root, List<String> listing,
            Function<String, Optional<String>> read, String reportsDir) {
        return switch (detection.kind()) {
            case NODE -> node(detection, root, listing, read, reportsDir);
            case GO, UNKNOWN -> go(detection, root, listing, read);
            default -> detection;
        };
    }

    /** Where package manifests may be: {@code <dir>/package.json} and {@code <dir>/go.mod} of the listing. */
    public static List<String> manifests(List<String> listing) {
        return listing.stream().filter(p -> p.endsWith("/package.json") || p.endsWith("/go.mod"))
                .filter(p -> !p.contains("node_modules/") && !p.contains("vendor/") && !p.contains("testdata/"))
                .toList();
    }

    private static Detection node(Detection d, ProjectFiles root, List<String> listing,
            Function<String, Optional<String>> read, String reportsDir) {
        JsonNode pkg = parse(root.content("package.json").orElse("{}"));
        List<String> globs = new ArrayList<>();
        JsonNode ws = pkg.path("workspaces");
        (ws.isArray() ? ws : ws.path("packages")).forEach(g -> globs.add(g.asText()));
        for (String line : root.content("pnpm-workspace.yaml").orElse("").split("\n")) {
            Matcher m = YAML_ITEM.matcher(line);
            if (m.matches() && !m.group(1).startsWith("!")) {
                globs.add(m.group(1).strip());
            }
        }
        if (globs.isEmpty()) {
            return d;
        }
        String rootTest = pkg.path("scripts").path("test").asText("");
        boolean fanOut = rootTest.isBlank() || rootTest.contains("no test specified") || FAN_OUT.matcher(rootTest).find();
        if (!fanOut) {
            return d.withPackages(List.of(), "workspaces " + globs + ": the root test script runs as written (`"
                    + rootTest + "`)");
        }
        List<PathMatcher> matchers = globs.stream().map(g -> g.endsWith("/") ? g.substring(0, g.length() - 1) : g)
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<TestTarget> targets = new ArrayList<>();
        for (String manifest : new TreeSet<>(manifests(listing))) {
            if (!manifest.endsWith("/package.json")) {
                continue;
            }
            String dir = manifest.substring(0, manifest.length() - "/package.json".length());
            if (matchers.stream().noneMatch(m -> m.matches(Path.of(dir)))) {
                continue;
            }
            JsonNode member = parse(read.apply(manifest).orElse("{}"));
            String test = member.path("scripts").path("test").asText("");
            if (test.isBlank() || test.contains("no test specified")) {
                continue;
            }
            NodeTestRunner runner = NodeTestRunner.of(member, reportsDir);
            List<String> argv = new ArrayList<>(List.of(d.tool(), "test"));
            if (!runner.flags().isEmpty()) {
                if (d.tool().equals("npm")) {
                    argv.add("--");
                }
                argv.addAll(runner.flags());
            }
            List<String> reports = new ArrayList<>(runner.reports());
            reports.add(reportsDir + "/*.xml");
            targets.add(new TestTarget(member.path("name").asText(dir), dir, List.of(new TestCandidate(null,
                    Command.argv(argv), runner.format(), reports, runner.runner(),
                    runner.flags().isEmpty() ? null : Command.argv(d.tool(), "test")))));
        }
        if (targets.isEmpty()) {
            return d;
        }
        Detection withPackages = d.withPackages(targets, "workspaces " + globs + ": " + targets.size()
                + " package(s) with a test script, tested one by one"
                + (rootTest.isBlank() ? "" : " (the root script `" + rootTest + "` fans out to them)"));
        if (targets.stream().anyMatch(t -> t.tests().get(0).runner().equals("node:test"))
                && !withPackages.env().containsKey("NODE_OPTIONS")) {
            // node's test runner writes TAP only when asked on newer Node versions
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>(withPackages.env());
            env.put("NODE_OPTIONS", "--test-reporter=tap");
            withPackages = new Detection(withPackages.kind(), withPackages.tool(), withPackages.install(),
                    withPackages.tests(), env, withPackages.reason(), withPackages.notes(), withPackages.packages());
        }
        return withPackages;
    }

    private static Detection go(Detection d, ProjectFiles root, List<String> listing,
            Function<String, Optional<String>> read) {
        List<String> modules = new ArrayList<>();
        if (root.has("go.mod")) {
            modules.add("");
        }
        for (String manifest : new TreeSet<>(manifests(listing))) {
            if (manifest.endsWith("/go.mod")) {
                modules.add(manifest.substring(0, manifest.length() - "/go.mod".length()));
            }
        }
        if (modules.size() < 2 && !(root.has("go.work") && !modules.isEmpty())) {
            return d;
        }
        List<TestTarget> targets = new ArrayList<>();
        for (String dir : modules) {
            String gomod = dir.isEmpty() ? root.content("go.mod").orElseGet(() -> read.apply("go.mod").orElse(""))
                    : read.apply(dir + "/go.mod").orElse("");
            Matcher m = GO_MODULE.matcher(gomod);
            targets.add(new TestTarget(m.find() ? m.group(1) : dir.isEmpty() ? "." : dir, dir, List.of(
                    TestCandidate.of(Command.argv("go", "test", "-json", "./..."), ResultFormat.GO_TEST_JSON)
                            .runBy("go test"))));
        }
        List<Command> install = new ArrayList<>();
        Detection base = d.kind() == ProjectKind.GO ? d : new Detection(ProjectKind.GO, "go", install, List.of(),
                java.util.Map.of(), "", List.of("go.work found"));
        return base.withPackages(targets, targets.size() + " Go modules, tested one by one (go test ./... does not enter"
                + " nested modules)");
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n == null || !n.isObject() ? JSON.createObjectNode() : n;
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
