package dev.sandboxjobs.jobs.pipeline;

import static dev.sandboxjobs.jobs.pipeline.FakeSandbox.exit;
import static dev.sandboxjobs.jobs.pipeline.FakeSandbox.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestingPipelineTest {

    private static final String REPO = "/workspace/repo";
    private static final String NODE_TAP = """
            TAP version 13
            # Subtest: adds
            ok 1 - adds
            # Subtest: divides
            not ok 2 - divides
              ---
              error: 'Division by zero'
              ...
            1..2
            """;

    @TempDir
    Path artifacts;

    private FakeSandbox aNodeRepository() {
        return new FakeSandbox()
                .file(REPO + "/.git/HEAD", "ref: refs/heads/main")
                .file(REPO + "/package.json", "{\"scripts\":{\"test\":\"node --test\"}}")
                .on(List.of("git", "-C", REPO, "rev-parse", "HEAD"), ok("0123456789abcdef0123456789abcdef01234567\n"))
                .on(List.of("npm", "test"), new CommandResult(1, NODE_TAP, "npm ERR! Test failed.", false));
    }

    private PipelineResult run(PipelineRequest request, FakeSandbox sandbox) {
        return new TestingPipeline(request, ArtifactSink.directory(artifacts)).run(sandbox);
    }

    @Test
    void aFailingNodeSuiteIsAResultWithCountsFailuresAndArtifacts() throws Exception {
        FakeSandbox sandbox = aNodeRepository();

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").ref("main").build(), sandbox);

        assertThat(r.success()).isFalse();
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.projectType()).isEqualTo("nodejs");
        assertThat(r.commit()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(r.tests().passed()).isEqualTo(1);
        assertThat(r.tests().failures()).extracting(c -> c.name()).containsExactly("divides");
        assertThat(r.errors()).contains("npm ERR!");
        assertThat(r.steps()).extracting(s -> s.name() + ":" + s.status())
                .containsExactly("clone:SUCCEEDED", "install:SUCCEEDED", "test:FAILED", "report:SUCCEEDED");
        assertThat(r.artifacts()).containsOnlyKeys("report.json", "junit.xml", "report.md", "report.html");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.md")))).contains("divides");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.json"))))
                .contains("\"report.html\" : \"" + artifacts.resolve("report.html").toAbsolutePath());
        // node's runner is asked for TAP; the command itself runs without a shell
        FakeSandbox.Call test = sandbox.calls.stream().filter(c -> c.argv().equals(List.of("npm", "test")))
                .findFirst().orElseThrow();
        assertThat(test.spec().env()).containsEntry("NODE_OPTIONS", "--test-reporter=tap")
                .containsEntry("npm_config_cache", "/cache/npm");
        assertThat(test.spec().cwd()).isEqualTo(REPO);
    }

    @Test
    void aShallowCloneOfABranchPassesTheNameAsOneArgument() {
        FakeSandbox sandbox = aNodeRepository();
        String evil = "feat/$(touch /tmp/pwned);rm -rf ~ `id`";

        run(PipelineRequest.builder("https://git.example.com/calc.git").ref(evil).build(), sandbox);

        assertThat(sandbox.argvs()).contains(List.of("git", "clone", "--quiet", "--depth=1", "--branch=" + evil,
                "--single-branch", "--", "https://git.example.com/calc.git", REPO));
        assertThat(sandbox.argvs()).noneMatch(argv -> argv.get(0).equals("sh") || argv.get(0).equals("bash"));
    }

    @Test
    void aFullCloneOfTheDefaultBranchHasNoDepthOrBranch() {
        FakeSandbox sandbox = aNodeRepository();

        run(PipelineRequest.builder("git://git.example.com/calc.git").depth(0).build(), sandbox);

        assertThat(sandbox.argvs()).contains(List.of("git", "clone", "--quiet", "--", "git://git.example.com/calc.git", REPO));
    }

    @Test
    void aCommitIsFetchedByShaAndCheckedOut() {
        FakeSandbox sandbox = aNodeRepository();

        PipelineResult r = run(PipelineRequest.builder("ssh://git@git.example.com/calc.git").ref("abc1234").build(), sandbox);

        assertThat(sandbox.argvs()).containsSubsequence(
                List.of("git", "init", "--quiet", REPO),
                List.of("git", "-C", REPO, "remote", "add", "origin", "ssh://git@git.example.com/calc.git"),
                List.of("git", "-C", REPO, "fetch", "--quiet", "--depth=1", "origin", "abc1234"),
                List.of("git", "-C", REPO, "-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"));
        assertThat(r.repository()).isEqualTo("ssh://git@git.example.com/calc.git");
    }

    @Test
    void aServerThatRefusesFetchingByShaGetsAFullFetchAndACheckoutOfTheSha() {
        FakeSandbox sandbox = aNodeRepository()
                .on(List.of("git", "-C", REPO, "fetch", "--quiet", "--depth=1"), exit(128, "error: not our ref abc1234"));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").ref("abc1234").build(), sandbox);

        assertThat(sandbox.argvs()).containsSubsequence(
                List.of("git", "-C", REPO, "fetch", "--quiet", "origin"),
                List.of("git", "-C", REPO, "-c", "advice.detachedHead=false", "checkout", "--quiet", "abc1234"));
        assertThat(r.step("clone").orElseThrow().status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void aTokenReachesGitOnlyThroughTheEnvironmentAndNeverTheResult() throws Exception {
        String token = "ghp_SuperSecretToken123";
        FakeSandbox sandbox = aNodeRepository()
                .on(List.of("git", "clone"), exit(128, "fatal: could not read from https://x:" + token + "@host"));

        PipelineResult r = run(PipelineRequest.builder("https://x-access-token:" + token + "@git.example.com/private.git")
                .build(), sandbox);

        assertThat(r.success()).isFalse();
        assertThat(r.repository()).isEqualTo("https://git.example.com/private.git");
        for (FakeSandbox.Call call : sandbox.calls) {
            assertThat(String.join(" ", call.argv())).doesNotContain(token);
            assertThat(call.spec().env().values()).noneMatch(v -> v.contains(token));
        }
        FakeSandbox.Call clone = sandbox.calls.stream().filter(c -> c.argv().get(1).equals("clone")).findFirst().orElseThrow();
        assertThat(clone.spec().secretEnv().get(CloneStep.TOKEN_ENV).reveal()).isEqualTo(token);
        assertThat(clone.spec().env()).containsEntry("GIT_CONFIG_KEY_2", "credential.helper")
                .containsEntry("GIT_TERMINAL_PROMPT", "0");
        assertThat(clone.spec().env().get("GIT_CONFIG_VALUE_2")).contains("$" + CloneStep.TOKEN_ENV);
        for (String name : List.of("report.json", "report.md", "report.html", "junit.xml")) {
            assertThat(Files.readString(Path.of(r.artifacts().get(name)))).doesNotContain(token);
        }
        assertThat(r.toString()).doesNotContain(token);
    }

    @Test
    void aTokenVariableOfTheSandboxIsReadByTheCredentialHelperAndNoSecretIsPassed() {
        FakeSandbox sandbox = aNodeRepository();

        new CloneStep(PipelineRequest.builder("https://git.example.com/private.git").build(), Workspace.DEFAULT,
                java.time.Clock.systemUTC(), "GIT_TOKEN").run(sandbox);

        FakeSandbox.Call clone = sandbox.calls.stream().filter(c -> c.argv().get(1).equals("clone")).findFirst().orElseThrow();
        assertThat(clone.spec().secretEnv()).isEmpty();
        assertThat(clone.spec().env()).containsEntry("GIT_CONFIG_COUNT", "3")
                .containsEntry("GIT_CONFIG_KEY_2", "credential.helper");
        assertThat(clone.spec().env().get("GIT_CONFIG_VALUE_2")).contains("password=$GIT_TOKEN")
                .doesNotContain(CloneStep.TOKEN_ENV);
        assertThatThrownBy(() -> new CloneStep(PipelineRequest.builder("https://h/x.git").build(), Workspace.DEFAULT,
                java.time.Clock.systemUTC(), "X; rm -rf /")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingBranchFailsTheCloneAndSkipsTheRest() {
        FakeSandbox sandbox = aNodeRepository().on(List.of("git", "clone"),
                exit(128, "Cloning into '/workspace/repo'...\nwarning: Could not find remote branch nope to clone.\n"
                        + "fatal: Remote branch nope not found in upstream origin"));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").ref("nope").build(), sandbox);

        assertThat(r.success()).isFalse();
        assertThat(r.failure()).startsWith("clone failed: the branch, tag or commit \"nope\" does not exist");
        assertThat(r.steps()).extracting(s -> s.name() + ":" + s.status())
                .containsExactly("clone:FAILED", "install:SKIPPED", "test:SKIPPED", "report:SUCCEEDED");
        assertThat(r.exitCode()).isEqualTo(-1);
    }

    @Test
    void anUnreachableRepositoryIsReportedAsSuch() {
        FakeSandbox sandbox = new FakeSandbox().on(List.of("git", "clone"),
                exit(128, "fatal: unable to access 'https://nowhere.invalid/x.git/': Could not resolve host: nowhere.invalid"));

        PipelineResult r = run(PipelineRequest.builder("https://nowhere.invalid/x.git").build(), sandbox);

        assertThat(r.failure()).contains("cannot be reached").contains("Could not resolve host");
    }

    @Test
    void anUnknownProjectIsReportedWithTheReasonAndTestsAreNotRun() {
        FakeSandbox sandbox = new FakeSandbox().file(REPO + "/README.md", "hello");

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/docs.git").build(), sandbox);

        assertThat(r.projectType()).isEqualTo("unknown");
        assertThat(r.failure()).startsWith("install failed: unknown project: no known build file");
        assertThat(r.step("test").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void aFailingInstallKeepsItsOutputForTheReport() throws Exception {
        FakeSandbox sandbox = aNodeRepository()
                .file(REPO + "/package-lock.json", "{}")
                .on(List.of("npm", "ci"), new CommandResult(1, "", "npm ERR! 404 Not Found - GET https://registry/nope", false));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").build(), sandbox);

        assertThat(r.failure()).isEqualTo("install failed: npm ci --no-audit --no-fund exited with 1");
        assertThat(r.step("install").orElseThrow().output()).contains("404 Not Found");
        assertThat(Files.readString(Path.of(r.artifacts().get("report.html")))).contains("404 Not Found");
        assertThat(sandbox.argvs()).doesNotContain(List.of("npm", "test"));
    }

    @Test
    void aHangingTestIsTimedOut() {
        FakeSandbox sandbox = aNodeRepository().on(List.of("npm", "test"), new CommandResult(-1, "TAP version 13\n", "", true));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git")
                .testTimeout(Duration.ofSeconds(5)).build(), sandbox);

        assertThat(r.success()).isFalse();
        assertThat(r.step("test").orElseThrow().status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(r.failure()).contains("did not finish within PT5S");
        FakeSandbox.Call test = sandbox.calls.stream().filter(c -> c.argv().equals(List.of("npm", "test"))).findFirst()
                .orElseThrow();
        assertThat(test.spec().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void pythonFallsBackToUnittestWhenPytestIsMissing() {
        FakeSandbox sandbox = new FakeSandbox()
                .file(REPO + "/requirements.txt", "requests\npytest\n")
                .file(REPO + "/test_calc.py", "")
                .on(List.of(".venv/bin/python", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('pytest') is None)"), exit(1, "No module named pytest"))
                .on(List.of(".venv/bin/python", "-m", "unittest"), new CommandResult(0, "",
                        "test_add (test_calc.T.test_add) ... ok\n\nRan 1 test in 0.001s\n\nOK\n", false));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/py.git").build(), sandbox);

        assertThat(r.success()).isTrue();
        assertThat(r.tests().format()).isEqualTo("unittest");
        assertThat(r.tests().passed()).isEqualTo(1);
        assertThat(sandbox.argvs()).containsSubsequence(
                List.of("python3", "-m", "venv", "--system-site-packages", ".venv"),
                List.of(".venv/bin/python", "-m", "pip", "install", "-r", "requirements.txt"),
                List.of(".venv/bin/python", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('pytest') is None)"),
                List.of(".venv/bin/python", "-m", "unittest", "discover", "-v"));
    }

    @Test
    void junitReportsAreFoundByGlobAndPreferredOverOutput() {
        String xml = "<testsuite name=\"calc.CalcTest\"><testcase classname=\"calc.CalcTest\" name=\"adds\"/>"
                + "<testcase classname=\"calc.CalcTest\" name=\"subtracts\"><failure message=\"expected 3\"/></testcase></testsuite>";
        FakeSandbox sandbox = new FakeSandbox()
                .file(REPO + "/pom.xml", "<project/>")
                .file(REPO + "/core/target/surefire-reports/TEST-calc.CalcTest.xml", xml)
                .file(REPO + "/core/target/surefire-reports/calc.CalcTest.txt", "not xml")
                .on(List.of("mvn", "-B", "-ntp", "--fail-at-end", "test"), new CommandResult(1, "[ERROR] Tests run: 2, Failures: 1", "", false));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/java.git").build(), sandbox);

        assertThat(r.projectType()).isEqualTo("maven");
        assertThat(r.tests().format()).isEqualTo("junit-xml");
        assertThat(r.tests().passed()).isEqualTo(1);
        assertThat(r.tests().failures()).extracting(c -> c.fullName()).containsExactly("calc.CalcTest > subtracts");
        FakeSandbox.Call mvn = sandbox.calls.stream().filter(c -> c.argv().get(0).equals("mvn")).findFirst().orElseThrow();
        assertThat(mvn.spec().env()).containsEntry("MAVEN_OPTS", "-Dmaven.repo.local=/cache/m2/repository");
    }

    @Test
    void optingOutOfCachesAddsNoCacheEnvironment() {
        FakeSandbox sandbox = aNodeRepository();

        run(PipelineRequest.builder("https://git.example.com/calc.git").noCaches().build(), sandbox);

        FakeSandbox.Call test = sandbox.calls.stream().filter(c -> c.argv().equals(List.of("npm", "test"))).findFirst()
                .orElseThrow();
        assertThat(test.spec().env()).doesNotContainKey("npm_config_cache");
    }

    @Test
    void aSubdirectoryBecomesTheProjectDirectoryAndMustExist() {
        FakeSandbox sandbox = new FakeSandbox()
                .file(REPO + "/services/api/go.mod", "module x")
                .on(List.of("test", "-d", REPO + "/services/missing"), exit(1, ""));

        PipelineResult ok = run(PipelineRequest.builder("https://git.example.com/mono.git").subdirectory("./services/api/")
                .build(), sandbox);
        PipelineResult missing = run(PipelineRequest.builder("https://git.example.com/mono.git")
                .subdirectory("services/missing").build(), sandbox);

        assertThat(ok.projectType()).isEqualTo("go");
        assertThat(ok.subdirectory()).isEqualTo("services/api");
        FakeSandbox.Call goTest = sandbox.calls.stream().filter(c -> c.argv().get(0).equals("go")
                && c.argv().get(1).equals("test")).findFirst().orElseThrow();
        assertThat(goTest.spec().cwd()).isEqualTo(REPO + "/services/api");
        assertThat(missing.failure()).contains("subdirectory \"services/missing\" does not exist");
    }

    @Test
    void aLocalDirectoryIsCopiedInAndItsUncommittedChangesAreNoted(@TempDir Path workingCopy) throws Exception {
        Files.writeString(workingCopy.resolve("package.json"), "{}");
        FakeSandbox sandbox = aNodeRepository().on(List.of("git", "-C", REPO, "status", "--porcelain=v2", "--branch"),
                ok("# branch.oid 89abcdef0123456789abcdef0123456789abcdef\n# branch.head main\n"
                        + "1 .M N... 100644 100644 100644 3b18e512 3b18e512 src/calc.js\n"));

        PipelineResult r = run(PipelineRequest.builder(workingCopy.toString()).build(), sandbox);

        assertThat(sandbox.copied).containsExactly(workingCopy.toAbsolutePath().normalize());
        assertThat(sandbox.argvs()).noneMatch(argv -> argv.contains("clone"));
        // one git call gives the commit and the changes, and git looks for the repository in the copy alone
        assertThat(sandbox.argvs()).noneMatch(argv -> argv.contains("rev-parse"));
        assertThat(sandbox.calls).filteredOn(c -> c.argv().contains("status")).singleElement()
                .satisfies(c -> assertThat(c.spec().env()).containsEntry("GIT_CEILING_DIRECTORIES", "/workspace"));
        assertThat(r.commit()).isEqualTo("89abcdef0123456789abcdef0123456789abcdef");
        assertThat(r.notes()).contains("the working copy's uncommitted changes were included");
        assertThat(r.repository()).isEqualTo(workingCopy.toString());
    }

    @Test
    void aCleanWorkingCopyHasItsCommitAndAnUncommittedRepositoryNone(@TempDir Path workingCopy) throws Exception {
        Files.writeString(workingCopy.resolve("package.json"), "{}");
        List<String> status = List.of("git", "-C", REPO, "status", "--porcelain=v2", "--branch");

        PipelineResult clean = run(PipelineRequest.builder(workingCopy.toString()).build(), aNodeRepository()
                .on(status, ok("# branch.oid 89abcdef0123456789abcdef0123456789abcdef\n# branch.head (detached)\n")));
        PipelineResult initial = run(PipelineRequest.builder(workingCopy.toString()).build(), aNodeRepository()
                .on(status, ok("# branch.oid (initial)\n# branch.head main\n? package.json\n")));
        PipelineResult notARepository = run(PipelineRequest.builder(workingCopy.toString()).build(), aNodeRepository()
                .on(status, exit(128, "fatal: not a git repository (or any of the parent directories): .git")));

        assertThat(clean.commit()).isEqualTo("89abcdef0123456789abcdef0123456789abcdef");
        assertThat(clean.notes()).doesNotContain("the working copy's uncommitted changes were included");
        assertThat(initial.commit()).isEmpty();
        assertThat(initial.notes()).contains("the working copy's uncommitted changes were included");
        assertThat(notARepository.commit()).isEmpty();
        assertThat(notARepository.notes()).doesNotContain("the working copy's uncommitted changes were included");
    }

    @Test
    void aLocalRepositoryWithARefIsClonedFromItsCopyAtThatRef(@TempDir Path localRepo) {
        FakeSandbox sandbox = aNodeRepository();

        run(PipelineRequest.builder(localRepo.toString()).ref("release/1.x").build(), sandbox);

        assertThat(sandbox.argvs()).contains(List.of("git", "clone", "--quiet", "--depth=1", "--branch=release/1.x",
                "--single-branch", "--", "file:///workspace/source", REPO));
    }

    @Test
    void aPathThatIsNeitherAUrlNorADirectoryFailsTheClone() {
        PipelineResult r = run(PipelineRequest.builder("/no/such/dir").build(), new FakeSandbox());

        assertThat(r.failure()).contains("neither a git URL").contains("/no/such/dir");
    }

    @Test
    void dangerousRequestsAreRefusedUpFront() {
        assertThatThrownBy(() -> PipelineRequest.builder("ext::sh -c touch% /tmp/pwned").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transport");
        assertThatThrownBy(() -> PipelineRequest.builder("--upload-pack=touch /tmp/x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not start with '-'");
        assertThatThrownBy(() -> PipelineRequest.builder("https://h/x.git").ref("--upload-pack=x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot start with '-'");
        assertThatThrownBy(() -> PipelineRequest.builder("https://h/x.git").subdirectory("a/../../etc").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the repository");
        assertThatThrownBy(() -> PipelineRequest.builder("https://h/x.git").ref("main\nrm -rf /").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
    }

    @Test
    void theGitProtocolsAllowedExcludeExtAndFd() {
        FakeSandbox sandbox = aNodeRepository();

        run(PipelineRequest.builder("https://git.example.com/calc.git").build(), sandbox);

        FakeSandbox.Call clone = sandbox.calls.stream().filter(c -> c.argv().get(1).equals("clone")).findFirst().orElseThrow();
        assertThat(clone.spec().env()).containsEntry("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh");
        assertThat(clone.spec().secretEnv()).isEmpty();
    }

    @Test
    void theToolVersionsAreAskedOnceWhenNothingWasInstalledAndAgainAfterAnInstallThatCanChangeThem() {
        FakeSandbox nothing = new FakeSandbox()
                .file(REPO + "/pyproject.toml", "[project]\nname = \"calc\"\n")
                .file(REPO + "/test_calc.py", "")
                .on(List.of("python3", "--version"), ok("Python 3.13.5\n"));
        FakeSandbox pip = new FakeSandbox()
                .file(REPO + "/requirements.txt", "requests\n")
                .file(REPO + "/test_calc.py", "")
                .on(List.of("python3", "--version"), ok("Python 3.13.5\n"));

        PipelineResult python = run(PipelineRequest.builder("https://git.example.com/py.git").build(), nothing);
        run(PipelineRequest.builder("https://git.example.com/py.git").build(), pip);

        assertThat(nothing.argvs()).filteredOn(argv -> argv.equals(List.of("python3", "--version"))).hasSize(1);
        assertThat(python.toolVersions()).containsEntry("python", "Python 3.13.5");
        // the install makes the .venv whose python the probe may find: asked after it
        assertThat(pip.argvs()).filteredOn(argv -> argv.equals(List.of("python3", "--version"))).hasSize(2);
        int install = pip.argvs().indexOf(List.of(".venv/bin/python", "-m", "pip", "install", "-r", "requirements.txt"));
        assertThat(pip.argvs().lastIndexOf(List.of("python3", "--version"))).isGreaterThan(install);
    }

    @Test
    void anNpmInstallCannotChangeTheToolsSoTheirVersionsAreNotAskedAgainAfterIt() {
        FakeSandbox installs = aNodeRepository()
                .file(REPO + "/package.json", "{\"scripts\":{\"test\":\"node --test\"},\"dependencies\":{\"ms\":\"2\"}}")
                .on(List.of("node", "--version"), ok("v24.22.3\n"))
                .on(List.of("npm", "--version"), ok("11.21.3\n"));

        PipelineResult node = run(PipelineRequest.builder("https://git.example.com/calc.git").build(), installs);

        assertThat(installs.argvs()).contains(List.of("npm", "install", "--no-audit", "--no-fund"));
        assertThat(node.toolVersions()).containsEntry("node", "v24.22.3").containsEntry("npm", "11.21.3");
        // the toolchain's answers from before the install stand (each probe is a tool's start: npm's takes ~0.25 s)
        assertThat(installs.argvs()).filteredOn(argv -> argv.equals(List.of("node", "--version"))).hasSize(1);
        assertThat(installs.argvs()).filteredOn(argv -> argv.equals(List.of("npm", "--version"))).hasSize(1);
    }

    @Test
    void mavensVersionIsTheLineItsInstallPrintedSoNoSecondJvmAsksIt() {
        FakeSandbox maven = new FakeSandbox()
                .file(REPO + "/pom.xml", "<project/>")
                .on(List.of("mvn", "-B", "-ntp", "-V"), ok("Apache Maven 3.9.11 (3e54c93a704957b63ee3494413a2b544fd3d825b)\n"
                        + "Maven home: /usr/share/maven\nJava version: 21.0.9, vendor: Debian\n[INFO] BUILD SUCCESS\n"))
                .on(List.of("java", "-version"), ok("openjdk version \"21.0.9\" 2025-10-21\n"));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").build(), maven);

        assertThat(maven.argvs()).contains(List.of("mvn", "-B", "-ntp", "-V", "-DskipTests", "test-compile"));
        assertThat(maven.argvs()).noneMatch(argv -> argv.contains("-v"));
        assertThat(r.toolVersions()).containsExactly(
                Map.entry("maven", "Apache Maven 3.9.11 (3e54c93a704957b63ee3494413a2b544fd3d825b)"),
                Map.entry("java", "openjdk version \"21.0.9\" 2025-10-21"));
    }

    @Test
    void anOverriddenMavenInstallLeavesMavensVersionToBeAsked() {
        FakeSandbox maven = new FakeSandbox()
                .file(REPO + "/pom.xml", "<project/>")
                .on(List.of("mvn", "-B", "-v"), ok("Apache Maven 3.9.11\n"));

        PipelineResult r = run(PipelineRequest.builder("https://git.example.com/calc.git").installCommand("mvn -q compile").build(),
                maven);

        assertThat(maven.argvs()).contains(List.of("mvn", "-B", "-v"));
        assertThat(r.toolVersions()).containsEntry("maven", "Apache Maven 3.9.11");
    }
}
