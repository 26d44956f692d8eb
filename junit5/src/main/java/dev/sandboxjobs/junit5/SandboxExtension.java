package dev.sandboxjobs.junit5;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link SandboxTest}: resolves {@link Sandbox} parameters. Each sandbox is
 * kept in the JUnit store of its scope (the test method's, or the class's for
 * {@link SandboxTest.Lifecycle#PER_CLASS}), which JUnit closes when the scope ends, after a failure
 * too; the engine lives in the root store and closes when the whole run ends. JUnit's stores create
 * each value once under concurrency, so parallel tests are safe.
 */
public final class SandboxExtension implements ParameterResolver {
    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SandboxExtension.class);
    /** The label on every sandbox this extension creates; its value names the test. */
    public static final String TEST_LABEL = "dev.sandboxjobs.junit5.test";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SandboxTest classSettings = findOnClass(context).orElse(null);
        boolean perClass = classSettings != null && classSettings.lifecycle() == SandboxTest.Lifecycle.PER_CLASS;
        ExtensionContext scope = perClass || context.getTestMethod().isEmpty() ? classScope(context) : context;
        SandboxTest settings = perClass ? classSettings
                : context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, SandboxTest.class))
                        .orElse(classSettings);
        String key = perClass || scope != context ? "class-sandbox" : "method-sandbox";
        EngineResource engine = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EngineResource.class, k -> EngineResource.open(context::getConfigurationParameter),
                        EngineResource.class);
        SandboxResource resource = scope.getStore(NAMESPACE).getOrComputeIfAbsent(key,
                k -> new SandboxResource(engine.engine().getSandbox(sandboxId(scope),
                        options(settings, engine.defaultImage(), scope))), SandboxResource.class);
        return resource.sandbox();
    }

    private static ExtensionContext classScope(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static Optional<SandboxTest> findOnClass(ExtensionContext context) {
        for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
            Optional<SandboxTest> found = AnnotationSupport.findAnnotation(c, SandboxTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    static SandboxOptions options(SandboxTest settings, Optional<String> defaultImage, ExtensionContext scope) {
        SandboxOptions.Builder b = SandboxOptions.builder();
        String image = settings != null && !settings.image().isEmpty() ? settings.image() : defaultImage.orElse(null);
        if (image != null) {
            b.image(image);
        }
        if (settings != null) {
            for (String entry : settings.env()) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new ParameterResolutionException("@SandboxTest env entry '" + entry
                            + "' is not NAME=value (on " + where(scope) + ")");
                }
                b.env(entry.substring(0, eq), entry.substring(eq + 1));
            }
            if (settings.memoryMb() < 0) {
                throw new ParameterResolutionException("@SandboxTest memoryMb must be 0 (the engine's default) or more, not "
                        + settings.memoryMb() + " (on " + where(scope) + ")");
            }
            if (settings.memoryMb() > 0) {
                b.memoryBytes(settings.memoryMb() << 20);
            }
        }
        b.label(TEST_LABEL, where(scope));
        return b.build();
    }

    private static String where(ExtensionContext scope) {
        String cls = scope.getTestClass().map(Class::getName).orElse("?");
        return scope.getTestMethod().map(m -> cls + "#" + m.getName()).orElse(cls);
    }

    /** {@code junit-<test name>-<random>}: readable in {@code docker ps}, unique across parallel tests. */
    static String sandboxId(ExtensionContext scope) {
        String name = scope.getTestMethod().map(m -> m.getName())
                .orElseGet(() -> scope.getTestClass().map(Class::getSimpleName).orElse("test"));
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40);
        }
        return "junit-" + (slug.isEmpty() ? "test" : slug) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
