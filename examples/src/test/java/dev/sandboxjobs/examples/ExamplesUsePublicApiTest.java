package dev.sandboxjobs.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The examples are what users write: they use the modules' public packages only (see docs/architecture.md). */
class ExamplesUsePublicApiTest {
    @Test
    void theExamplesUseNoInternalPackageAndNoStorage() {
        JavaClasses examples = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.sandboxjobs.examples");
        noClasses().that().resideInAPackage("dev.sandboxjobs.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sandboxjobs..internal..",
                        "dev.sandboxjobs.storage..", "dev.sandboxjobs.cli..")
                .check(examples);
    }
}
