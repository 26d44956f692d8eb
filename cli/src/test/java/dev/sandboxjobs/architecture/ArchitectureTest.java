package dev.sandboxjobs.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.storage.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of docs/architecture.md, checked on the compiled main classes of every module on
 * this (the command line's) class path: storage, the sandbox SDK, the job engine, the built-in
 * jobs, the dashboard and the command line.
 */
class ArchitectureTest {
    private static final String STORAGE = "dev.sandboxjobs.storage..";
    private static final String ENGINE = "dev.sandboxjobs.engine..";
    private static final String WORKFLOW = "dev.sandboxjobs.engine.workflow..";
    private static final String JOBS = "dev.sandboxjobs.jobs..";
    private static final String DASHBOARD = "dev.sandboxjobs.dashboard..";
    private static final String CLI = "dev.sandboxjobs.cli..";
    private static final String[] SDK_INTERNALS = {"dev.sandboxjobs.engine.internal..",
            "dev.sandboxjobs.engine.interpreter.internal..", "dev.sandboxjobs.engine.setup.internal..",
            "dev.sandboxjobs.engine.egress.internal.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importTheMainClasses() {
        // under `mvn test` the other modules are on the class path as target/classes directories,
        // under `mvn verify` (CI) as their packaged jars: both are imported, test classes are not
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.sandboxjobs");
        // a rule over an empty layer proves nothing: every module must have been imported
        for (String pkg : List.of("dev.sandboxjobs.storage.", "dev.sandboxjobs.engine.internal.",
                "dev.sandboxjobs.engine.workflow.", "dev.sandboxjobs.jobs.", "dev.sandboxjobs.dashboard.",
                "dev.sandboxjobs.cli.")) {
            assertThat(classes.stream().filter(c -> c.getName().startsWith(pkg)).count())
                    .as("main classes imported from " + pkg + "* (class path: " + System.getProperty("java.class.path") + ")")
                    .isGreaterThan(3);
        }
    }

    @Test
    void theModulesDependOneWayStorageSdkJobEngineJobsDashboardCommandLine() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Storage").definedBy(STORAGE)
                .layer("Sandbox SDK").definedBy(resideInAPackage(ENGINE).and(not(resideInAPackage(WORKFLOW))))
                .layer("Job engine").definedBy(WORKFLOW)
                .layer("Jobs").definedBy(JOBS)
                .layer("Dashboard").definedBy(DASHBOARD)
                .layer("Command line").definedBy(CLI)
                .whereLayer("Command line").mayNotBeAccessedByAnyLayer()
                .whereLayer("Dashboard").mayOnlyBeAccessedByLayers("Command line")
                .whereLayer("Jobs").mayOnlyBeAccessedByLayers("Command line")
                .whereLayer("Job engine").mayOnlyBeAccessedByLayers("Jobs", "Dashboard", "Command line")
                .whereLayer("Sandbox SDK").mayOnlyBeAccessedByLayers("Job engine", "Jobs", "Dashboard", "Command line")
                .whereLayer("Storage").mayOnlyBeAccessedByLayers("Sandbox SDK", "Job engine", "Jobs", "Command line")
                .check(classes);
    }

    @Test
    void theJobEngineUsesNothingOfTheSdksInternals() {
        noClasses().that().resideInAPackage(WORKFLOW)
                .should().dependOnClassesThat().resideInAnyPackage(SDK_INTERNALS)
                .because("the job engine uses sandboxes through its SandboxProvider seam over the SDK's public API")
                .check(classes);
    }

    @Test
    void noInternalPackageUsesItsProductsFacade() {
        noClasses().that().resideInAnyPackage(SDK_INTERNALS)
                .should().dependOnClassesThat().areAssignableTo(SandboxEngine.class)
                .because("the facade is a front over the internals, not a place they read constants from")
                .check(classes);
        noClasses().that().resideInAPackage("dev.sandboxjobs.engine.workflow.internal..")
                .should().dependOnClassesThat().areAssignableTo(JobEngine.class)
                .check(classes);
        noClasses().that().resideInAnyPackage("dev.sandboxjobs.engine.setup..", "dev.sandboxjobs.engine.interpreter..",
                        "dev.sandboxjobs.engine.task..")
                .should().dependOnClassesThat().areAssignableTo(SandboxEngine.class)
                .check(classes);
    }

    @Test
    void noSqlAndNoJdbiOutsideStorage() {
        noClasses().that().resideOutsideOfPackage(STORAGE)
                .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..")
                .because("the database is storage's business: its repositories take and return values")
                .check(classes);
        // Quartz's JDBC job store is handed a connection provider and a BLOB-reading delegate: JDBC
        // plumbing for Quartz's own SQL, kept with the job engine so that storage (and the SDK above
        // it) need no Quartz on their class path
        noClasses().that().resideOutsideOfPackage(STORAGE)
                .and().doNotHaveSimpleName("SqliteDelegate").and().doNotHaveSimpleName("DataSourceConnectionProvider")
                .should().dependOnClassesThat().resideInAPackage("java.sql..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage(STORAGE)
                .should().callMethod(Database.class, "jdbi")
                .check(classes);
    }

    @Test
    void onlyStateChangesWritesTheStateOfRunsAndSteps() {
        noClasses().that().resideInAPackage(WORKFLOW)
                .and().doNotHaveSimpleName("StateChanges")
                .should().callMethodWhere(target(nameMatching("inTransaction|useTransaction|claim|advance|transition"))
                        .and(target(owner(resideInAnyPackage(STORAGE)))))
                .because("StateChanges checks every change against StateMachine's table")
                .check(classes);
    }

    @Test
    void theJobsTheDashboardTheCommandLineAndTheSdkAdapterUseNoOtherModulesInternals() {
        noClasses().that().resideInAnyPackage(JOBS, DASHBOARD, CLI)
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE + "internal..",
                        "dev.sandboxjobs.engine.interpreter.internal..", "dev.sandboxjobs.engine.setup.internal..",
                        "dev.sandboxjobs.engine.egress.internal..", "dev.sandboxjobs.engine.workflow.internal..")
                .check(classes);
        noClasses().that().resideInAPackage(CLI)
                .should().dependOnClassesThat().resideInAnyPackage("dev.sandboxjobs.jobs..internal..",
                        "dev.sandboxjobs.dashboard.internal..")
                .check(classes);
    }

    /**
     * Read from the sources, not with ArchUnit: javac writes no {@code package-info.class} for a
     * package-info without annotations, so the compiled classes cannot tell. Every module of the
     * root pom counts, also those not on this class path (bench, the Spring example…).
     */
    @Test
    void everyPublicPackageHasAPackageInfoWithAnExample() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("cli/pom.xml"))) {
            root = root.getParent();
            assertThat(root).as("the project's root, above " + Path.of("").toAbsolutePath()).isNotNull();
        }
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        List<Path> sourceDirs = new ArrayList<>();
        while (module.find()) {
            Path dir = root.resolve(module.group(1).trim()).resolve("src/main/java");
            if (Files.isDirectory(dir)) {
                sourceDirs.add(dir);
            }
        }
        assertThat(sourceDirs).as("main source directories of the root pom's modules").hasSizeGreaterThan(5);
        TreeSet<String> problems = new TreeSet<>();
        for (Path dir : sourceDirs) {
            TreeSet<Path> packages = new TreeSet<>();
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> packages.add(f.getParent()));
            }
            for (Path pkg : packages) {
                Path relative = dir.relativize(pkg);
                String name = relative.toString().replace(relative.getFileSystem().getSeparator(), ".");
                if (("." + name + ".").contains(".internal.")) {
                    continue;
                }
                Path info = pkg.resolve("package-info.java");
                if (!Files.isRegularFile(info)) {
                    problems.add(name + " (" + root.relativize(dir) + "): no package-info.java");
                } else {
                    String text = Files.readString(info);
                    if (!text.contains("{@snippet") && !text.contains("<pre>{@code")) {
                        problems.add(name + " (" + root.relativize(dir) + "): package-info.java without an example"
                                + " ({@snippet} or <pre>{@code ...}</pre>)");
                    }
                }
            }
        }
        assertThat(problems).as("public packages (not internal) need a package-info.java with a short example").isEmpty();
    }
}
