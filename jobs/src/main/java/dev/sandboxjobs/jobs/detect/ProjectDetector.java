package dev.sandboxjobs.jobs.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides a project's kind and its install and test commands from its files — a pure
 * function of a {@link ProjectFiles} snapshot, so it is tested without a sandbox.
 *
 * <pre>{@code
 * Detection d = ProjectDetector.detect(files, Overrides.NONE, "/tmp/sandbox-jobs-reports");
 * if (!d.runnable()) report(d.reason());
 * }</pre>
 *
 * <p>Order of precedence when several kinds match (a monorepo root, a Java project with a
 * Makefile…): Maven, Gradle, Rust, Go, Node, Python, Make. A user's {@link Overrides}
 * replace the chosen commands and make even an unknown project runnable.
 */
public final class ProjectDetector {

    /** npm writes this placeholder as the test script of a fresh package.json. */
    private static final String NPM_PLACEHOLDER = "no test specified";
    private static final Pattern MAKE_TEST_TARGET =
            Pattern.compile("(?m)^(?:[^\\s:#=][^:#=\\n]*\\s)?test(?:\\s[^:#=\\n]*)?:(?![=:])");
    private static final Pattern MAKE_CHECK_TARGET =
            Pattern.compile("(?m)^(?:[^\\s:#=][^:#=\\n]*\\s)?check(?:\\s[^:#=\\n]*)?:(?![=:])");
    private static final Pattern CMAKE_TESTS = Pattern.compile("(?i)\\b(enable_testing|add_test|ctest)\\b");
    private static final Pattern REQUIREMENT_LINE = Pattern.compile("(?m)^\\s*[^#\\s]");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProjectDetector() {
    }

    /**
     * Detects the project.
     *
     * @param files      the project's files, paths relative to its root
     * @param overrides  the user's commands, or {@link Overrides#NONE}
     * @param reportsDir an absolute sandbox directory where test commands may write JUnit XML
     */
    public static Detection detect(ProjectFiles files, Overrides overrides, String reportsDir) {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(reportsDir, "reportsDir");
        Detection detected = detectKind(files, reportsDir);
        return applyOverrides(detected, overrides, reportsDir);
    }

    private static Detection detectKind(ProjectFiles files, String reportsDir) {
        if (files.has("pom.xml")) {
            return maven(files);
        }
        if (files.has("build.gradle") || files.has("build.gradle.kts")
                || files.has("settings.gradle") || files.has("settings.gradle.kts")) {
            return gradle(files);
        }
        if (files.has("Cargo.toml")) {
            return rust();
        }
        if (files.has("go.mod") || files.has("go.work")) {
            return go(files.has("go.mod") ? "go.mod found" : "go.work found");
        }
        if (files.has("package.json")) {
            return node(files, reportsDir);
        }
        if (files.has("pyproject.toml") || files.has("requirements.txt") || files.has("setup.py")
                || files.has("setup.cfg")) {
            return python(files, reportsDir);
        }
        if (files.has("CMakeLists.txt") && CMAKE_TESTS.matcher(files.content("CMakeLists.txt").orElse("")).find()) {
            return new Detection(ProjectKind.MAKE, "cmake",
                    List.of(Command.argv("cmake", "-S", ".", "-B", "build"), Command.argv("cmake", "--build", "build")),
                    List.of(TestCandidate.of(Command.argv("ctest", "--test-dir", "build", "--output-on-failure",
                            "--output-junit", reportsDir + "/ctest.xml"), ResultFormat.JUNIT_XML, reportsDir + "/ctest.xml")
                            .runBy("ctest")),
                    Map.of(), "", List.of("CMakeLists.txt with tests (enable_testing/add_test): ctest with a JUnit report"));
        }
        String makefile = makefileName(files);
        if (makefile == null && files.has("configure") && files.has("Makefile.in")) {
            return new Detection(ProjectKind.MAKE, "make", List.of(Command.argv("./configure")),
                    List.of(TestCandidate.of(Command.argv("make", "check"), ResultFormat.AUTO).runBy("automake")),
                    Map.of(), "", List.of("configure script and Makefile.in (autotools): ./configure, then make check"));
        }
        if (makefile != null) {
            String content = files.content(makefile).orElse("");
            boolean check = MAKE_CHECK_TARGET.matcher(content).find();
            boolean automake = content.contains("am__") || content.contains("TEST_SUITE_LOG") || files.has("Makefile.am");
            if (check && (automake || !MAKE_TEST_TARGET.matcher(content).find())) {
                return new Detection(ProjectKind.MAKE, "make", List.of(),
                        List.of(TestCandidate.of(Command.argv("make", "check"), ResultFormat.AUTO)
                                .runBy(automake ? "automake" : "")),
                        Map.of(), "", List.of(makefile + " has a check target" + (automake ? " (automake)" : "")));
            }
            if (MAKE_TEST_TARGET.matcher(content).find()) {
                return new Detection(ProjectKind.MAKE, "make", List.of(),
                        List.of(TestCandidate.of(Command.argv("make", "test"), ResultFormat.AUTO)),
                        Map.of(), "", List.of(makefile + " has a test target"));
            }
            return Detection.unknown(makefile + " has no \"test\" or \"check\" target, and no other build file was found",
                    List.of("found " + makefile));
        }
        return Detection.unknown("no known build file (package.json, pyproject.toml, requirements.txt, setup.py, CMakeLists.txt, "
                + "go.mod, pom.xml, build.gradle, Cargo.toml, or a Makefile with a test target) "
                + "at the project root", List.of());
    }

    private static Detection maven(ProjectFiles files) {
        String mvn = files.has("mvnw") ? "./mvnw" : "mvn";
        List<String> notes = new ArrayList<>();
        notes.add("pom.xml found" + (files.has("mvnw") ? "; using the Maven wrapper" : ""));
        return new Detection(ProjectKind.MAVEN, mvn,
                List.of(Command.argv(mvn, "-B", "-ntp", "-V", "-DskipTests", "test-compile")),
                List.of(TestCandidate.of(Command.argv(mvn, "-B", "-ntp", "--fail-at-end", "test"), ResultFormat.JUNIT_XML,
                        "{target,**/target}/surefire-reports/TEST-*.xml").runBy("surefire")),
                Map.of(), "", notes);
    }

    private static Detection gradle(ProjectFiles files) {
        boolean wrapper = files.has("gradlew");
        String gradle = wrapper ? "./gradlew" : "gradle";
        List<String> notes = new ArrayList<>();
        notes.add(wrapper ? "Gradle build with its wrapper" : "Gradle build without a wrapper: using gradle from PATH");
        return new Detection(ProjectKind.GRADLE, gradle,
                List.of(Command.argv(gradle, "--no-daemon", "--console=plain", "testClasses")),
                List.of(TestCandidate.of(Command.argv(gradle, "--no-daemon", "--console=plain", "test"),
                        ResultFormat.JUNIT_XML, "{build,**/build}/test-results/**/TEST-*.xml").runBy("gradle")),
                Map.of(), "", notes);
    }

    private static Detection rust() {
        return new Detection(ProjectKind.RUST, "cargo",
                List.of(Command.argv("cargo", "fetch")),
                List.of(TestCandidate.of(Command.argv("cargo", "test", "--no-fail-fast"), ResultFormat.CARGO_TEST).runBy("cargo")),
                Map.of(), "", List.of("Cargo.toml found"));
    }

    private static Detection go(String note) {
        return new Detection(ProjectKind.GO, "go",
                List.of(Command.argv("go", "mod", "download")),
                List.of(TestCandidate.of(Command.argv("go", "test", "-json", "./..."), ResultFormat.GO_TEST_JSON).runBy("go test")),
                Map.of(), "", List.of(note));
    }

    private static Detection node(ProjectFiles files, String reportsDir) {
        List<String> notes = new ArrayList<>();
        JsonNode pkg = null;
        try {
            pkg = JSON.readTree(files.content("package.json").orElse("{}"));
        } catch (Exception e) {
            notes.add("package.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (pkg == null || !pkg.isObject()) {
            pkg = JSON.createObjectNode();
        }
        String declared = pkg.path("packageManager").asText("");
        String tool;
        if (files.has("pnpm-lock.yaml") || declared.startsWith("pnpm@")) {
            tool = "pnpm";
        } else if (files.has("yarn.lock") || declared.startsWith("yarn@")) {
            tool = "yarn";
        } else {
            tool = "npm";
        }
        boolean hasDeps = pkg.path("dependencies").size() > 0 || pkg.path("devDependencies").size() > 0
                || pkg.path("optionalDependencies").size() > 0;
        List<Command> install = new ArrayList<>();
        switch (tool) {
            case "pnpm" -> {
                install.add(files.has("pnpm-lock.yaml")
                        ? Command.argv("pnpm", "install", "--frozen-lockfile")
                        : Command.argv("pnpm", "install"));
                notes.add(files.has("pnpm-lock.yaml") ? "pnpm-lock.yaml found" : "packageManager is pnpm");
            }
            case "yarn" -> {
                boolean berry = files.has(".yarnrc.yml") || declared.matches("yarn@[2-9].*");
                install.add(!files.has("yarn.lock") ? Command.argv("yarn", "install")
                        : berry ? Command.argv("yarn", "install", "--immutable")
                        : Command.argv("yarn", "install", "--frozen-lockfile"));
                notes.add(files.has("yarn.lock") ? "yarn.lock found" : "packageManager is yarn");
            }
            default -> {
                if (files.has("package-lock.json") || files.has("npm-shrinkwrap.json")) {
                    install.add(Command.argv("npm", "ci", "--no-audit", "--no-fund"));
                    notes.add("package-lock.json found: npm ci");
                } else if (hasDeps) {
                    install.add(Command.argv("npm", "install", "--no-audit", "--no-fund"));
                    notes.add("no lockfile: npm install");
                } else {
                    notes.add("no dependencies: nothing to install");
                }
            }
        }
        String testScript = pkg.path("scripts").path("test").asText("");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("JEST_JUNIT_OUTPUT_DIR", reportsDir);
        if (testScript.isBlank() || testScript.contains(NPM_PLACEHOLDER)) {
            return new Detection(ProjectKind.NODE, tool, install, List.of(), env,
                    "package.json has no \"test\" script", notes);
        }
        NodeTestRunner runner = NodeTestRunner.of(pkg, reportsDir);
        notes.add(runner.runner().isEmpty() ? "test runner not recognised (" + runner.why() + "): reading any known output"
                : "test runner " + runner.runner() + ": " + runner.why());
        if (runner.runner().equals("node:test")) {
            // node's test runner writes TAP only when asked on newer Node versions
            env.put("NODE_OPTIONS", "--test-reporter=tap");
            notes.add("node's test runner: TAP reporter (NODE_OPTIONS=--test-reporter=tap)");
        }
        List<String> reportPaths = new ArrayList<>(runner.reports());
        reportPaths.addAll(List.of(reportsDir + "/*.xml", "junit.xml", "test-results/**.xml", "reports/junit*.xml"));
        Command plain = Command.argv(tool, "test");
        Command command = plain;
        if (!runner.flags().isEmpty()) {
            List<String> argv = new ArrayList<>(List.of(tool, "test"));
            if (tool.equals("npm")) {
                argv.add("--");
            }
            argv.addAll(runner.flags());
            command = Command.argv(argv);
        }
        return new Detection(ProjectKind.NODE, tool, install,
                List.of(new TestCandidate(null, command, runner.format(), reportPaths.stream().distinct().toList(),
                        runner.runner(), runner.flags().isEmpty() ? null : plain)),
                env, "", notes);
    }

    private static Detection python(ProjectFiles files, String reportsDir) {
        List<String> notes = new ArrayList<>();
        String pyproject = files.content("pyproject.toml").orElse("");
        String junit = "--junitxml=" + reportsDir + "/pytest.xml";
        String tool;
        String python;
        List<Command> install = new ArrayList<>();
        List<String> runPrefix = List.of();
        if (files.has("poetry.lock") || pyproject.contains("[tool.poetry")) {
            tool = "poetry";
            install.add(Command.argv("poetry", "install", "--no-interaction"));
            runPrefix = List.of("poetry", "run");
            python = "python";
            notes.add("Poetry project");
        } else if (files.has("uv.lock") || pyproject.contains("[tool.uv")) {
            tool = "uv";
            install.add(Command.argv("uv", "sync"));
            runPrefix = List.of("uv", "run");
            python = "python";
            notes.add("uv project");
        } else {
            tool = "pip";
            String requirements = files.content("requirements.txt").orElse("");
            boolean requirementsToInstall = files.has("requirements.txt")
                    && (REQUIREMENT_LINE.matcher(requirements).find() || files.content("requirements.txt").isEmpty());
            boolean packageToInstall = files.has("setup.py") || declaresDependencies(pyproject);
            if (requirementsToInstall || packageToInstall) {
                python = ".venv/bin/python";
                install.add(Command.argv("python3", "-m", "venv", "--system-site-packages", ".venv"));
                if (requirementsToInstall) {
                    install.add(Command.argv(python, "-m", "pip", "install", "-r", "requirements.txt"));
                    notes.add("requirements.txt: pip install into .venv");
                }
                if (packageToInstall) {
                    install.add(Command.argv(python, "-m", "pip", "install", "-e", "."));
                    notes.add((files.has("setup.py") ? "setup.py" : "pyproject.toml dependencies")
                            + ": pip install -e . into .venv");
                }
            } else {
                python = "python3";
                notes.add("no dependencies declared: nothing to install");
            }
        }
        List<String> pythonCmd = new ArrayList<>(runPrefix);
        pythonCmd.add(python);
        List<TestCandidate> tests = new ArrayList<>();
        boolean nose2 = files.has("nose2.cfg") || files.has("unittest.cfg") || pyproject.contains("[tool.nose2");
        if (nose2) {
            notes.add("nose2 configuration found: nose2 when it is installed");
            tests.add(new TestCandidate(installed(pythonCmd, "nose2"),
                    Command.argv(concat(pythonCmd, "-m", "nose2", "-v")), ResultFormat.PYTHON_TEXT, List.of(), "nose2",
                    null));
        }
        // pytest collects differently from unittest (no load_tests, so no doctests added there): it is
        // the runner only for a project that shows it uses pytest
        String pytestSign = pytestSign(files, pyproject);
        if (pytestSign.isEmpty()) {
            notes.add("no sign of pytest (no pytest.ini, conftest.py, [tool.pytest] or pytest requirement): unittest");
        } else {
            notes.add("pytest: " + pytestSign + " (unittest when pytest is not installed)");
            tests.add(new TestCandidate(installed(pythonCmd, "pytest"),
                    Command.argv(concat(pythonCmd, "-m", "pytest", "-rfE", junit)),
                    ResultFormat.JUNIT_XML, List.of(reportsDir + "/pytest.xml"), "pytest", null));
        }
        tests.add(TestCandidate.of(Command.argv(concat(pythonCmd, "-m", "unittest", "discover", "-v")),
                ResultFormat.PYTHON_TEXT).runBy("unittest"));
        return new Detection(ProjectKind.PYTHON, tool, install, tests,
                Map.of("PYTHONDONTWRITEBYTECODE", "1", "PIP_DISABLE_PIP_VERSION_CHECK", "1"), "", notes);
    }

    private static String pytestSign(ProjectFiles files, String pyproject) {
        for (String name : List.of("pytest.ini", "conftest.py")) {
            if (files.has(name)) {
                return name + " found";
            }
        }
        if (pyproject.contains("pytest")) {
            return "pyproject.toml names pytest";
        }
        for (String name : List.of("setup.cfg", "requirements.txt", "requirements-dev.txt", "requirements-test.txt",
                "tox.ini", "setup.py")) {
            if (files.content(name).orElse("").contains("pytest")) {
                return name + " names pytest";
            }
        }
        return "";
    }

    private static boolean declaresDependencies(String pyproject) {
        java.util.regex.Matcher m = Pattern.compile("(?m)^\\s*dependencies\\s*=\\s*\\[([^\\]]*)]").matcher(pyproject);
        while (m.find()) {
            if (m.group(1).matches("(?s).*[\"'][^\"']+[\"'].*")) {
                return true;
            }
        }
        return false;
    }

    private static String makefileName(ProjectFiles files) {
        for (String name : List.of("GNUmakefile", "makefile", "Makefile")) {
            if (files.has(name)) {
                return name;
            }
        }
        return null;
    }

    private static Detection applyOverrides(Detection d, Overrides overrides, String reportsDir) {
        if (overrides.install() == null && overrides.test() == null) {
            return d;
        }
        List<String> notes = new ArrayList<>(d.notes());
        List<Command> install = d.install();
        if (overrides.install() != null) {
            install = overrides.install().isBlank() ? List.of() : List.of(Command.shell(overrides.install()));
            notes.add("install command overridden by the user");
        }
        List<TestCandidate> tests = d.tests();
        String reason = d.reason();
        if (overrides.test() != null) {
            List<String> reportPaths = new ArrayList<>(List.of(reportsDir + "/*.xml"));
            tests.stream().findFirst().ifPresent(t -> reportPaths.addAll(t.reportPaths()));
            tests = List.of(new TestCandidate(null, Command.shell(overrides.test()), ResultFormat.AUTO,
                    reportPaths.stream().distinct().toList()));
            reason = "";
            notes.add("test command overridden by the user");
        }
        return new Detection(d.kind(), d.tool(), install, tests, d.env(), reason, notes);
    }

    /** The probe that {@code module} is installed: found, not imported (importing pytest takes ~0.2 s, finding it ~0.02 s). */
    static Command installed(List<String> python, String module) {
        return Command.argv(concat(python, "-c", INSTALLED.formatted(module)));
    }

    private static final String INSTALLED = "import importlib.util, sys; sys.exit(importlib.util.find_spec('%s') is None)";

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
