package dev.sandboxjobs.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** bom/pom.xml manages every library module of the reactor, at the reactor's version, and nothing else. */
class BomTest {
    private final Reactor reactor = Reactor.current();
    private final Reactor.Module bom = reactor.module("bom");

    @Test
    void theBomIsBuiltByTheReactorAtItsVersionWithoutAParent() {
        assertThat(bom.artifactId()).isEqualTo("sandbox-jobs-bom");
        assertThat(bom.packaging()).isEqualTo("pom");
        assertThat(Reactor.text(bom.pom(), "groupId")).as("the BOM's groupId").contains(reactor.groupId());
        assertThat(Reactor.text(bom.pom(), "version")).as("the BOM's version (keep it equal to the root pom's)")
                .contains(reactor.version());
        assertThat(Reactor.child(bom.pom(), "parent"))
                .as("a BOM with sandbox-jobs-parent as parent would hand its importers the parent's third-party versions")
                .isEmpty();
    }

    @Test
    void theBomManagesEveryLibraryModuleAtTheProjectVersion() {
        Map<String, String> managed = managedVersions();
        Set<String> libraries = reactor.libraries().stream().map(Reactor.Module::artifactId)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(libraries).as("library modules found in the root pom").contains(
                "sandbox-jobs-sandbox", "sandbox-jobs-workflow", "sandbox-jobs-jobs", "sandbox-jobs-dashboard");
        assertThat(managed.keySet())
                .as("bom/pom.xml must manage exactly the reactor's library modules (jar modules without"
                        + " maven.source.skip=true); add the missing ones, or mark a module that is not a library")
                .containsExactlyInAnyOrderElementsOf(libraries);
        managed.forEach((artifactId, version) -> assertThat(version)
                .as("version of %s in bom/pom.xml", artifactId)
                .isIn("${project.version}", reactor.version()));
    }

    @Test
    void theBomListsOurArtifactsOnly() {
        for (Element dependency : managedDependencies()) {
            String coordinates = Reactor.text(dependency, "groupId").orElse("?") + ":"
                    + Reactor.text(dependency, "artifactId").orElse("?");
            assertThat(Reactor.text(dependency, "groupId")).as("groupId of %s in bom/pom.xml", coordinates)
                    .contains(reactor.groupId());
            assertThat(Reactor.text(dependency, "scope")).as("%s in bom/pom.xml: no imported BOMs", coordinates)
                    .isEmpty();
            assertThat(Reactor.text(dependency, "type").orElse("jar")).as("type of %s", coordinates).isEqualTo("jar");
        }
    }

    @Test
    void thisModuleDependsOnEveryLibrarySoThatTheReactorPackagesThemFirst() {
        Reactor.Module self = reactor.module("release-check");
        Set<String> dependedOn = Reactor.children(Reactor.child(self.pom(), "dependencies").orElseThrow(), "dependency")
                .stream().map(d -> Reactor.text(d, "artifactId").orElseThrow()).collect(Collectors.toSet());
        for (Reactor.Module library : reactor.libraries()) {
            assertThat(dependedOn).as("release-check/pom.xml must depend on %s (test scope, like the others) so that"
                    + " `mvn verify` packages it before these tests read its jars", library.artifactId())
                    .contains(library.artifactId());
        }
        assertThat(reactor.modules().get(reactor.modules().size() - 1).dir())
                .as("release-check is the root pom's last module").isEqualTo("release-check");
    }

    private List<Element> managedDependencies() {
        Element management = Reactor.child(bom.pom(), "dependencyManagement")
                .orElseThrow(() -> new AssertionError("bom/pom.xml has no <dependencyManagement>"));
        return Reactor.children(Reactor.child(management, "dependencies").orElseThrow(), "dependency");
    }

    private Map<String, String> managedVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Element dependency : managedDependencies()) {
            String artifactId = Reactor.text(dependency, "artifactId").orElseThrow();
            String previous = versions.put(artifactId, Reactor.text(dependency, "version").orElse("(none)"));
            assertThat(previous).as("%s is managed twice in bom/pom.xml", artifactId).isNull();
        }
        return versions;
    }
}
