package dev.sandboxjobs.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import javax.lang.model.SourceVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What `mvn verify` packages for each library module: its jar, with an {@code Automatic-Module-Name}
 * of its own, its {@code -sources.jar} and, for a module with Java sources, its {@code -javadoc.jar}
 * (the runtime image has resources only: the Javadoc plugin makes no archive for it).
 *
 * <p>The jars are read from {@code <module>/target/}. They exist when the reactor ran the package
 * phase on the libraries before this module ({@code mvn verify}, or {@code mvn verify -pl
 * release-check -am}). With {@code mvn test}, which packages nothing, they may not: under
 * {@code CI=true} that fails, elsewhere these tests are skipped with a loud message.
 */
class LibraryJarsTest {
    /** The parent pom's placeholder: a module that forgot to set its own name. */
    private static final String UNNAMED = "dev.sandboxjobs.unnamed";

    private static final Reactor reactor = Reactor.current();
    private static final List<Reactor.Module> libraries = reactor.libraries();

    @BeforeAll
    static void theLibrariesArePackaged() {
        List<String> missing = libraries.stream().map(m -> m.jar(reactor.version(), null))
                .filter(jar -> !Files.isRegularFile(jar)).map(jar -> reactor.root().relativize(jar).toString()).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "the library jars " + missing + " are not built: these tests read <module>/target/*.jar,"
                + " which the reactor's package phase writes before this module runs. Run `mvn -B verify`"
                + " (or `mvn -B verify -pl release-check -am`), not `mvn test` or a build that skips the libraries.";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + message);
        }
        System.err.println("!!!!! SKIPPING the release check: " + message);
        Assumptions.abort(message);
    }

    @Test
    void everyLibraryJarNamesItsJavaModuleAndNoTwoShareAName() throws IOException {
        Map<String, String> owners = new HashMap<>();
        for (Reactor.Module library : libraries) {
            String name = automaticModuleName(library.jar(reactor.version(), null));
            assertThat(name).as("Automatic-Module-Name in the manifest of %s's jar", library.dir()).isNotBlank();
            assertThat(name).as("%s's Automatic-Module-Name: set <automatic.module.name> in %s/pom.xml",
                    library.dir(), library.dir()).isNotEqualTo(UNNAMED);
            assertThat(SourceVersion.isName(name)).as("%s's Automatic-Module-Name '%s' is a valid module name",
                    library.dir(), name).isTrue();
            assertThat(name).as("%s's Automatic-Module-Name is the one its pom declares", library.dir())
                    .isEqualTo(library.property("automatic.module.name").orElse(null));
            String other = owners.put(name, library.dir());
            assertThat(other).as("Automatic-Module-Name '%s' is claimed by both %s and %s", name, other, library.dir())
                    .isNull();
        }
    }

    @Test
    void everyLibraryHasASourcesJar() throws IOException {
        for (Reactor.Module library : libraries) {
            Path sources = library.jar(reactor.version(), "sources");
            assertThat(sources).as("%s (built by maven-source-plugin in every `mvn verify`; missing after"
                    + " -Dmaven.source.skip)", reactor.root().relativize(sources)).isRegularFile();
            if (Files.isDirectory(library.path().resolve("src/main/java"))) {
                assertThat(entries(sources)).as("Java files in %s", sources.getFileName())
                        .anyMatch(e -> e.endsWith(".java"));
            }
        }
    }

    @Test
    void everyLibraryWithJavaSourcesHasAJavadocJar() throws IOException {
        int withJava = 0;
        for (Reactor.Module library : libraries) {
            Path javadoc = library.jar(reactor.version(), "javadoc");
            if (!Files.isDirectory(library.path().resolve("src/main/java"))) {
                continue;
            }
            withJava++;
            assertThat(javadoc).as("%s (built by maven-javadoc-plugin in every `mvn verify`; missing after"
                    + " -Dmaven.javadoc.skip)", reactor.root().relativize(javadoc)).isRegularFile();
            assertThat(entries(javadoc)).as("entries of %s", javadoc.getFileName()).contains("index.html");
        }
        assertThat(withJava).as("libraries with Java sources").isGreaterThanOrEqualTo(libraries.size() - 1);
    }

    @Test
    void testJarsDoNotClaimTheirLibrarysModuleName() throws IOException {
        for (Reactor.Module library : libraries) {
            Path tests = library.jar(reactor.version(), "tests");
            if (Files.isRegularFile(tests)) {
                assertThat(automaticModuleName(tests)).as("Automatic-Module-Name of %s", tests.getFileName())
                        .isNotEqualTo(automaticModuleName(library.jar(reactor.version(), null)));
            }
        }
    }

    private static String automaticModuleName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue("Automatic-Module-Name");
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).toList();
        }
    }
}
