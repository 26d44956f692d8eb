package dev.sandboxjobs.jobs.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MonorepoTest {

    private static final String REPORTS = "/reports";

    private static Detection discover(Map<String, String> rootFiles, Map<String, String> below, String... rootPaths) {
        ProjectFiles root = ProjectFiles.of(List.of(rootPaths), rootFiles);
        Detection d = ProjectDetector.detect(root, Overrides.NONE, REPORTS);
        return Monorepo.discover(d, root, List.copyOf(below.keySet()), p -> Optional.ofNullable(below.get(p)), REPORTS);
    }

    @Test
    void npmWorkspacesAreTestedOneByOneWithTheirOwnRunners() {
        Detection d = discover(Map.of("package.json", "{\"workspaces\":[\"packages/*\"],\"scripts\":{\"test\":"
                        + "\"npm test --workspaces\"},\"devDependencies\":{\"mocha\":\"11\"}}"),
                Map.of("packages/a/package.json", "{\"name\":\"@x/a\",\"scripts\":{\"test\":\"mocha\"}}",
                        "packages/b/package.json", "{\"name\":\"@x/b\",\"scripts\":{\"test\":\"jest\"}}",
                        "packages/docs/package.json", "{\"name\":\"@x/docs\"}",
                        "tools/c/package.json", "{\"name\":\"@x/c\",\"scripts\":{\"test\":\"ava\"}}"),
                "package-lock.json");

        assertThat(d.packages()).extracting(TestTarget::name).containsExactly("@x/a", "@x/b");
        assertThat(d.packages().get(0).directory()).isEqualTo("packages/a");
        assertThat(d.packages().get(0).tests().get(0).runner()).isEqualTo("mocha");
        assertThat(d.packages().get(1).tests().get(0).command().argv()).startsWith("npm", "test", "--", "--json");
        assertThat(d.install().get(0).argv()).startsWith("npm", "ci");
        assertThat(d.notes()).anySatisfy(n -> assertThat(n).contains("2 package(s) with a test script"));
    }

    @Test
    void aWorkspaceOnNodesTestRunnerGetsItsTapReporter() {
        Detection d = discover(Map.of("package.json", "{\"workspaces\":[\"packages/*\"]}"),
                Map.of("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"test\":\"node --test\"}}"));

        assertThat(d.packages()).singleElement().satisfies(t -> assertThat(t.tests().get(0).runner()).isEqualTo("node:test"));
        assertThat(d.env()).containsEntry("NODE_OPTIONS", "--test-reporter=tap");
    }

    @Test
    void pnpmWorkspaceYamlIsReadToo() {
        Detection d = discover(Map.of("package.json", "{\"private\":true}",
                        "pnpm-workspace.yaml", "packages:\n  - 'libs/*'\n  - \"!libs/skip\"\n"),
                Map.of("libs/one/package.json", "{\"name\":\"one\",\"scripts\":{\"test\":\"vitest run\"}}"),
                "pnpm-lock.yaml", "pnpm-workspace.yaml");

        assertThat(d.runnable()).isTrue();
        assertThat(d.packages()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("one");
            assertThat(t.tests().get(0).command().argv()).startsWith("pnpm", "test", "--reporter=default");
        });
    }

    @Test
    void yarnClassicsWorkspacesRunIsAFanOut() {
        Detection d = discover(Map.of("package.json", "{\"workspaces\":[\"packages/*\"],\"scripts\":{\"test\":"
                        + "\"yarn workspaces run test\"}}"),
                Map.of("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"test\":\"node --test\"}}"),
                "yarn.lock");

        assertThat(d.packages()).singleElement().satisfies(t -> assertThat(t.tests().get(0).command().argv())
                .containsExactly("yarn", "test"));
    }

    @Test
    void aRootTestScriptOfItsOwnRunsAsWritten() {
        Detection d = discover(Map.of("package.json", "{\"workspaces\":[\"packages/*\"],\"scripts\":{\"test\":\"jest\"}}"),
                Map.of("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"test\":\"mocha\"}}"));

        assertThat(d.packages()).isEmpty();
        assertThat(d.tests().get(0).runner()).isEqualTo("jest");
        assertThat(d.notes()).anySatisfy(n -> assertThat(n).contains("the root test script runs as written"));
    }

    @Test
    void nestedGoModulesAreEachTested() {
        Detection d = discover(Map.of("go.mod", "module example.com/root\n\ngo 1.22\n"),
                Map.of("tools/go.mod", "module example.com/tools\n", "api/v2/go.mod", "module example.com/api/v2\n"));

        assertThat(d.packages()).extracting(TestTarget::name)
                .containsExactly("example.com/root", "example.com/api/v2", "example.com/tools");
        assertThat(d.packages()).allSatisfy(t -> assertThat(t.tests().get(0).command().argv())
                .containsExactly("go", "test", "-json", "./..."));
    }

    @Test
    void aGoWorkspaceWithoutARootModuleIsAGoProject() {
        Detection d = discover(Map.of(), Map.of("a/go.mod", "module a\n", "b/go.mod", "module b\n"), "go.work");

        assertThat(d.kind()).isEqualTo(ProjectKind.GO);
        assertThat(d.packages()).extracting(TestTarget::directory).containsExactly("a", "b");
    }
}
