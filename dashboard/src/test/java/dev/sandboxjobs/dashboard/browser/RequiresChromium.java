package dev.sandboxjobs.dashboard.browser;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that drives Debian's Chromium through its chromedriver ({@code apt-get install
 * chromium chromium-driver}; {@code .ci/run} installs them). Without them the test is skipped
 * loudly, and fails under {@code CI=true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("browser")
@ExtendWith(ChromiumCondition.class)
public @interface RequiresChromium {}
