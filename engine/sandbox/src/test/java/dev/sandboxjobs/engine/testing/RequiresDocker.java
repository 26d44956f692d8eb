package dev.sandboxjobs.engine.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a real Docker engine. Without one, the class is skipped with a
 * loud message locally, and fails under {@code CI=true}: CI must never skip Docker-backed tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("docker")
@ExtendWith(DockerCondition.class)
public @interface RequiresDocker {}
