package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuietPullCallbackTest {
    @Test
    void aFailedPullCompletesTheCallbackAndHandsItsErrorBack() throws Exception {
        RuntimeImageBuilder.QuietPullCallback callback = new RuntimeImageBuilder.QuietPullCallback();
        IllegalStateException refused = new IllegalStateException("lookup registry-1.docker.io: no such host");

        callback.onError(refused);

        assertThat(callback.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(callback::throwIfFailed).isSameAs(refused);
    }

    @Test
    void aPullWithoutErrorsHasNothingToThrow() throws Exception {
        RuntimeImageBuilder.QuietPullCallback callback = new RuntimeImageBuilder.QuietPullCallback();

        callback.onComplete();

        assertThat(callback.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        callback.throwIfFailed();
    }
}
