package dev.sandboxjobs.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test's methods (and its {@code @BeforeEach}, {@code @AfterEach}, and with
 * {@link Lifecycle#PER_CLASS} its {@code @BeforeAll} and constructor) a
 * {@link dev.sandboxjobs.engine.Sandbox} parameter. The sandbox is destroyed when its scope ends,
 * whether the test passed, failed or was aborted; every test of a run shares one
 * {@code SandboxEngine}, closed when the run ends.
 *
 * <pre>{@code
 * @SandboxTest(image = "sandbox-jobs/runtime:0.1.0-SNAPSHOT", env = "LANG=C.UTF-8")
 * class BuildScriptTest {
 *     @Test
 *     void buildsTheProject(Sandbox sandbox) {
 *         sandbox.gitCheckout("https://example.com/repo.git", GitCheckoutOptions.DEFAULT);
 *         assertTrue(sandbox.exec("make -C /workspace/repo").success());
 *     }
 * }
 * }</pre>
 *
 * <p>On a method, it replaces the class's settings for that method's sandbox. Tests run in
 * parallel each get their own sandbox ({@link Lifecycle#PER_METHOD}); with
 * {@link Lifecycle#PER_CLASS} the methods of a class share one, so run them on one thread or make
 * them use separate directories or sessions.
 *
 * <p>Bad settings (an {@code env} entry without {@code =}, a negative memory) fail the test with
 * JUnit's {@code ParameterResolutionException} naming the entry.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SandboxExtension.class)
public @interface SandboxTest {
    /** How long a sandbox lives. */
    enum Lifecycle {
        /** A fresh sandbox for every test method (and invocation of a parameterized test). */
        PER_METHOD,
        /** One sandbox for all the methods of the class, destroyed after the last one. */
        PER_CLASS
    }

    /** The image; empty for the configuration parameter {@code sandboxjobs.image}, else the engine's default. */
    String image() default "";

    /** See {@link Lifecycle}; read from the class's annotation. */
    Lifecycle lifecycle() default Lifecycle.PER_METHOD;

    /** Environment variables of the sandbox, each {@code NAME=value}. */
    String[] env() default {};

    /** The sandbox's memory limit in MiB; 0 for the engine's default. */
    long memoryMb() default 0;
}
