package dev.sandboxjobs.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectDetectorTest {

    private static final String REPORTS = "/tmp/sandbox-jobs-reports";

    private static Detection detect(Map<String, String> contents, String... otherPaths) {
        return ProjectDetector.detect(ProjectFiles.of(List.of(otherPaths), contents), Overrides.NONE, REPORTS);
    }

    private static List<String> argv(Detection d) {
        return d.tests().get(0).command().argv();
    }

    @Test
    void nodeWithoutDependenciesInstallsNothingAndRunsNpmTestWithTheTapReporter() {
        Detection d = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"node --test\"}}"), "src/calc.js");

        assertThat(d.kind()).isEqualTo(ProjectKind.NODE);
        assertThat(d.kind().id()).isEqualTo("nodejs");
        assertThat(d.tool()).isEqualTo("npm");
        assertThat(d.install()).isEmpty();
        assertThat(argv(d)).containsExactly("npm", "test");
        assertThat(d.env()).containsEntry("NODE_OPTIONS", "--test-reporter=tap").containsEntry("CI", "true");
    }

    @Test
    void nodeWithAPackageLockUsesNpmCi() {
        Detection d = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"jest\"},\"devDependencies\":{\"jest\":\"29\"}}"),
                "package-lock.json");

        assertThat(d.install()).extracting(Command::argv).containsExactly(List.of("npm", "ci", "--no-audit", "--no-fund"));
        assertThat(d.env()).doesNotContainKey("NODE_OPTIONS").containsEntry("JEST_JUNIT_OUTPUT_DIR", REPORTS);
        assertThat(d.tests().get(0).reportPaths()).contains(REPORTS + "/*.xml");
    }

    @Test
    void nodeWithDependenciesButNoLockfileUsesNpmInstall() {
        Detection d = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"mocha\"},\"dependencies\":{\"a\":\"1\"}}"));

        assertThat(d.install().get(0).argv()).startsWith("npm", "install");
    }

    @Test
    void yarnAndPnpmAreChosenFromTheirLockfiles() {
        String pkg = "{\"scripts\":{\"test\":\"vitest run\"},\"devDependencies\":{\"vitest\":\"1\"}}";

        Detection yarn = detect(Map.of("package.json", pkg), "yarn.lock");
        Detection berry = detect(Map.of("package.json", pkg, ".yarnrc.yml", "nodeLinker: node-modules"), "yarn.lock");
        Detection pnpm = detect(Map.of("package.json", pkg), "pnpm-lock.yaml");

        assertThat(yarn.install().get(0).argv()).containsExactly("yarn", "install", "--frozen-lockfile");
        assertThat(argv(yarn)).startsWith("yarn", "test", "--reporter=default", "--reporter=junit");
        assertThat(berry.install().get(0).argv()).containsExactly("yarn", "install", "--immutable");
        assertThat(pnpm.install().get(0).argv()).containsExactly("pnpm", "install", "--frozen-lockfile");
        assertThat(argv(pnpm)).startsWith("pnpm", "test", "--reporter=default");
        assertThat(pnpm.tests().get(0).plain().argv()).containsExactly("pnpm", "test");
    }

    @Test
    void packageManagerFieldWinsWithoutALockfile() {
        Detection d = detect(Map.of("package.json", "{\"packageManager\":\"pnpm@9.1.0\",\"scripts\":{\"test\":\"x\"}}"));

        assertThat(d.tool()).isEqualTo("pnpm");
    }

    @Test
    void nodeWithoutATestScriptIsNotRunnableAndSaysWhy() {
        Detection d = detect(Map.of("package.json",
                "{\"scripts\":{\"test\":\"echo \\\"Error: no test specified\\\" && exit 1\"}}"));

        assertThat(d.kind()).isEqualTo(ProjectKind.NODE);
        assertThat(d.runnable()).isFalse();
        assertThat(d.reason()).contains("no \"test\" script");
    }

    @Test
    void brokenPackageJsonStillDetectsNodeAndNotesTheProblem() {
        Detection d = detect(Map.of("package.json", "{ not json"));

        assertThat(d.kind()).isEqualTo(ProjectKind.NODE);
        assertThat(d.notes()).anySatisfy(n -> assertThat(n).contains("not valid JSON"));
        assertThat(d.runnable()).isFalse();
    }

    @Test
    void pythonWithoutDependenciesRunsPytestWithJunitXmlThenFallsBackToUnittest() {
        Detection d = detect(Map.of("pyproject.toml", "[project]\nname = \"calc\"\ndependencies = []\n"), "test_calc.py",
                "conftest.py");

        assertThat(d.kind()).isEqualTo(ProjectKind.PYTHON);
        assertThat(d.install()).isEmpty();
        assertThat(d.tests()).hasSize(2);
        TestCandidate pytest = d.tests().get(0);
        assertThat(pytest.probe()).isEqualTo(ProjectDetector.installed(List.of("python3"), "pytest"));
        assertThat(pytest.command().argv()).containsExactly("python3", "-m", "pytest", "-rfE",
                "--junitxml=" + REPORTS + "/pytest.xml");
        assertThat(pytest.reportPaths()).containsExactly(REPORTS + "/pytest.xml");
        TestCandidate unittest = d.tests().get(1);
        assertThat(unittest.probe()).isNull();
        assertThat(unittest.command().argv()).containsExactly("python3", "-m", "unittest", "discover", "-v");
        assertThat(unittest.format()).isEqualTo(ResultFormat.PYTHON_TEXT);
    }

    @Test
    void pythonRequirementsAreInstalledIntoAVirtualenvThatTheTestsThenUse() {
        Detection d = detect(Map.of("requirements.txt", "# deps\nrequests==2.31\npytest\n"));

        assertThat(d.tool()).isEqualTo("pip");
        assertThat(d.install()).extracting(Command::argv).containsExactly(
                List.of("python3", "-m", "venv", "--system-site-packages", ".venv"),
                List.of(".venv/bin/python", "-m", "pip", "install", "-r", "requirements.txt"));
        assertThat(argv(d)).startsWith(".venv/bin/python", "-m", "pytest");
    }

    @Test
    void aPythonProjectWithNoSignOfPytestRunsUnittestItsOwnRunner() {
        Detection d = detect(Map.of("pyproject.toml", "[project]\nname = \"calc\"\n"), "test_calc.py");

        assertThat(d.tests()).singleElement().satisfies(t -> {
            assertThat(t.command().argv()).containsExactly("python3", "-m", "unittest", "discover", "-v");
            assertThat(t.runner()).isEqualTo("unittest");
        });
        assertThat(d.notes()).anySatisfy(n -> assertThat(n).startsWith("no sign of pytest"));
    }

    @Test
    void aRequirementsFileWithOnlyCommentsInstallsNothing() {
        Detection d = detect(Map.of("requirements.txt", "# nothing yet\n\n"));

        assertThat(d.install()).isEmpty();
    }

    @Test
    void setupPyIsInstalledEditable() {
        Detection d = detect(Map.of(), "setup.py");

        assertThat(d.install()).extracting(Command::argv)
                .contains(List.of(".venv/bin/python", "-m", "pip", "install", "-e", "."));
    }

    @Test
    void poetryAndUvProjectsUseTheirTools() {
        Detection poetry = detect(Map.of("pyproject.toml", "[tool.poetry]\nname='x'\n[tool.pytest.ini_options]\n"), "poetry.lock");
        Detection uv = detect(Map.of("pyproject.toml", "[project]\nname='x'\n"), "uv.lock", "pytest.ini");

        assertThat(poetry.install().get(0).argv()).containsExactly("poetry", "install", "--no-interaction");
        assertThat(argv(poetry)).startsWith("poetry", "run", "python", "-m", "pytest");
        assertThat(uv.install().get(0).argv()).containsExactly("uv", "sync");
        assertThat(argv(uv)).startsWith("uv", "run", "python", "-m", "pytest");
    }

    @Test
    void goModuleRunsGoTestJson() {
        Detection d = detect(Map.of(), "go.mod", "calc.go");

        assertThat(d.kind()).isEqualTo(ProjectKind.GO);
        assertThat(d.install().get(0).argv()).containsExactly("go", "mod", "download");
        assertThat(argv(d)).containsExactly("go", "test", "-json", "./...");
        assertThat(d.tests().get(0).format()).isEqualTo(ResultFormat.GO_TEST_JSON);
    }

    @Test
    void aGoWorkspaceWithoutARootModuleIsAGoProject() {
        Detection d = detect(Map.of(), "go.work", "alpha", "beta");

        assertThat(d.kind()).isEqualTo(ProjectKind.GO);
        assertThat(d.install().get(0).argv()).containsExactly("go", "mod", "download");
        assertThat(d.notes()).containsExactly("go.work found");
    }

    @Test
    void mavenReadsSurefireReportsAndPrefersItsWrapper() {
        Detection plain = detect(Map.of(), "pom.xml");
        Detection wrapped = detect(Map.of(), "pom.xml", "mvnw", "Makefile");

        assertThat(plain.kind()).isEqualTo(ProjectKind.MAVEN);
        assertThat(argv(plain)).containsExactly("mvn", "-B", "-ntp", "--fail-at-end", "test");
        assertThat(plain.tests().get(0).reportPaths()).containsExactly("{target,**/target}/surefire-reports/TEST-*.xml");
        assertThat(wrapped.kind()).isEqualTo(ProjectKind.MAVEN);
        assertThat(argv(wrapped).get(0)).isEqualTo("./mvnw");
    }

    @Test
    void gradleUsesItsWrapperWhenPresent() {
        Detection wrapped = detect(Map.of(), "build.gradle.kts", "gradlew", "settings.gradle.kts");
        Detection plain = detect(Map.of(), "build.gradle");

        assertThat(wrapped.kind()).isEqualTo(ProjectKind.GRADLE);
        assertThat(argv(wrapped)).containsExactly("./gradlew", "--no-daemon", "--console=plain", "test");
        assertThat(plain.tool()).isEqualTo("gradle");
        assertThat(plain.tests().get(0).reportPaths()).containsExactly("{build,**/build}/test-results/**/TEST-*.xml");
    }

    @Test
    void rustRunsCargoTest() {
        Detection d = detect(Map.of(), "Cargo.toml", "src/lib.rs");

        assertThat(d.kind()).isEqualTo(ProjectKind.RUST);
        assertThat(d.install().get(0).argv()).containsExactly("cargo", "fetch");
        assertThat(argv(d)).containsExactly("cargo", "test", "--no-fail-fast");
    }

    @Test
    void aMakefileWithATestTargetRunsMakeTest() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Makefile", "CC := gcc\n.PHONY: all test\nall: build\nunit test: build\n\tsh test.sh\n");

        Detection d = detect(files);

        assertThat(d.kind()).isEqualTo(ProjectKind.MAKE);
        assertThat(argv(d)).containsExactly("make", "test");
    }

    @Test
    void aMakefileWithoutATestTargetIsUnknownWithTheReason() {
        Detection d = detect(Map.of("Makefile", "test_dir := tests\nbuild:\n\tcc x.c\ntests: build\n"));

        assertThat(d.kind()).isEqualTo(ProjectKind.UNKNOWN);
        assertThat(d.runnable()).isFalse();
        assertThat(d.reason()).contains("no \"test\" or \"check\" target");
    }

    @Test
    void anEmptyProjectIsUnknownWithTheReason() {
        Detection d = detect(Map.of(), "README.md", "notes/todo.txt");

        assertThat(d.kind()).isEqualTo(ProjectKind.UNKNOWN);
        assertThat(d.reason()).contains("no known build file");
        assertThat(d.tests()).isEmpty();
    }

    @Test
    void userOverridesReplaceTheCommandsAndRunAsShellLines() {
        ProjectFiles files = ProjectFiles.of(List.of("go.mod"), Map.of());

        Detection d = ProjectDetector.detect(files, new Overrides("", "go vet ./... && go test ./..."), REPORTS);

        assertThat(d.kind()).isEqualTo(ProjectKind.GO);
        assertThat(d.install()).isEmpty();
        assertThat(d.tests()).singleElement().satisfies(t -> {
            assertThat(t.command().isShell()).isTrue();
            assertThat(t.command().argv()).containsExactly("sh", "-c", "go vet ./... && go test ./...");
            assertThat(t.format()).isEqualTo(ResultFormat.AUTO);
        });
        assertThat(d.notes()).contains("install command overridden by the user", "test command overridden by the user");
    }

    @Test
    void anOverrideMakesAnUnknownProjectRunnable() {
        Detection d = ProjectDetector.detect(ProjectFiles.of(List.of("run-tests.sh"), Map.of()),
                new Overrides(null, "./run-tests.sh"), REPORTS);

        assertThat(d.kind()).isEqualTo(ProjectKind.UNKNOWN);
        assertThat(d.runnable()).isTrue();
        assertThat(d.reason()).isEmpty();
    }

    @Test
    void pathsAreNormalisedFromListings() {
        ProjectFiles files = ProjectFiles.of(List.of("./package.json", "src/", "./a/b.js"), Map.of());

        assertThat(files.paths()).containsExactlyInAnyOrder("package.json", "src", "a/b.js");
        assertThat(files.has("package.json")).isTrue();
    }

    @Test
    void commandDisplayQuotesArgumentsThatAShellWouldInterpret() {
        assertThat(Command.argv("git", "checkout", "feat/$(rm -rf ~)").display())
                .isEqualTo("git checkout 'feat/$(rm -rf ~)'");
    }

    @Test
    void theTestRunnerIsReadFromTheTestScriptAndAskedForItsReportWhenItRunsLast() {
        Detection jest = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"cross-env NODE_ENV=test jest --coverage\"}}"));
        Detection ava = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"xo && ava\"}}"));
        Detection mocha = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"mocha --recursive test\"}}"));
        Detection lintAfter = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"jest && eslint .\"}}"));
        Detection nested = detect(Map.of("package.json",
                "{\"scripts\":{\"test\":\"npm run lint && npm run unit\",\"lint\":\"eslint .\",\"unit\":\"vitest run\"}}"));
        Detection nodeTest = detect(Map.of("package.json", "{\"scripts\":{\"test\":\"node --test test/\"}}"));
        Detection byDependency = detect(Map.of("package.json",
                "{\"scripts\":{\"test\":\"./run-tests.sh\"},\"devDependencies\":{\"jasmine\":\"5\"}}"));

        assertThat(jest.tests().get(0).runner()).isEqualTo("jest");
        assertThat(argv(jest)).containsExactly("npm", "test", "--", "--json", "--outputFile=/tmp/sandbox-jobs-reports/jest.json");
        assertThat(jest.tests().get(0).reportPaths()).contains("/tmp/sandbox-jobs-reports/jest.json");
        assertThat(ava.tests().get(0).runner()).isEqualTo("ava");
        assertThat(argv(ava)).containsExactly("npm", "test", "--", "--tap");
        assertThat(ava.tests().get(0).format()).isEqualTo(ResultFormat.TAP);
        assertThat(mocha.tests().get(0).runner()).isEqualTo("mocha");
        assertThat(argv(mocha)).containsExactly("npm", "test");
        assertThat(mocha.tests().get(0).format()).isEqualTo(ResultFormat.RUNNER_TEXT);
        assertThat(lintAfter.tests().get(0).runner()).isEqualTo("jest");
        assertThat(argv(lintAfter)).as("flags would go to eslint").containsExactly("npm", "test");
        assertThat(nested.tests().get(0).runner()).isEqualTo("vitest");
        assertThat(argv(nested)).as("flags would go to npm run").containsExactly("npm", "test");
        assertThat(nodeTest.tests().get(0).runner()).isEqualTo("node:test");
        assertThat(nodeTest.env()).containsEntry("NODE_OPTIONS", "--test-reporter=tap");
        assertThat(byDependency.tests().get(0).runner()).isEqualTo("jasmine");
        assertThat(byDependency.notes()).anySatisfy(n -> assertThat(n).contains("jasmine is a dependency"));
    }

    @Test
    void makeCheckAutotoolsAndCMakeProjectsAreRecognised() {
        Detection check = detect(Map.of("Makefile", "all:\n\tcc x.c\ncheck: all\n\t./run-tests\n"));
        Detection autotools = detect(Map.of(), "configure", "Makefile.in", "Makefile.am");
        Detection cmake = detect(Map.of("CMakeLists.txt", "project(x C)\nenable_testing()\nadd_test(NAME a COMMAND a)\n"));

        assertThat(argv(check)).containsExactly("make", "check");
        assertThat(autotools.install().get(0).argv()).containsExactly("./configure");
        assertThat(argv(autotools)).containsExactly("make", "check");
        assertThat(autotools.tests().get(0).runner()).isEqualTo("automake");
        assertThat(cmake.install()).extracting(Command::display).containsExactly("cmake -S . -B build", "cmake --build build");
        assertThat(argv(cmake)).startsWith("ctest", "--test-dir", "build");
        assertThat(cmake.tests().get(0).runner()).isEqualTo("ctest");
    }

    @Test
    void aCommandSurvivesTheJsonRoundTripOfAStoredDetection() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Command argvCommand = Command.argv("npm", "test");
        Command shellCommand = Command.shell("make deps && make test");

        Command readArgv = json.readValue(json.writeValueAsString(argvCommand), Command.class);
        Command readShell = json.readValue(json.writeValueAsString(shellCommand), Command.class);

        assertThat(readArgv.display()).isEqualTo("npm test");
        assertThat(readArgv.isShell()).isFalse();
        assertThat(readShell.display()).isEqualTo("make deps && make test");
        assertThat(readShell.isShell()).isTrue();
    }
}
