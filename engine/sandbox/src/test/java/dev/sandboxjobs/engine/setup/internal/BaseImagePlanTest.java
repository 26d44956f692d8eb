package dev.sandboxjobs.engine.setup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.setup.internal.BaseImagePlan.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BaseImagePlanTest {
    /** A hand-written Docker: images it has, images a registry would give, and a log of what was asked. */
    static final class FakeImages implements BaseImagePlan.Images {
        final Map<String, String> local = new HashMap<>();
        final Set<String> pullable = new HashSet<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public Optional<String> localId(String reference) {
            return Optional.ofNullable(local.get(reference));
        }

        @Override
        public boolean pull(String reference) {
            calls.add("pull " + reference);
            if (pullable.contains(reference)) {
                local.put(reference, "sha256:pulled");
                return true;
            }
            return false;
        }

        @Override
        public String debootstrap() {
            calls.add("debootstrap");
            local.put(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made");
            return "sha256:made";
        }
    }

    @Test
    void aLocalDefaultBaseIsUsedAsItIs() {
        FakeImages images = new FakeImages();
        images.local.put("debian:trixie-slim", "sha256:slim");
        images.local.put(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made");
        assertThat(BaseImagePlan.resolve(null, images))
                .isEqualTo(new BaseImagePlan.Base("debian:trixie-slim", "sha256:slim", Source.LOCAL));
        assertThat(images.calls).isEmpty();
    }

    @Test
    void aDebootstrapBaseMadeEarlierIsReusedWithoutTryingTheRegistry() {
        FakeImages images = new FakeImages();
        images.local.put(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made");
        assertThat(BaseImagePlan.resolve(null, images).reference()).isEqualTo(BaseImagePlan.DEBOOTSTRAP_BASE);
        assertThat(images.calls).isEmpty();
    }

    @Test
    void theDefaultBaseIsPulledWhenARegistryIsReachable() {
        FakeImages images = new FakeImages();
        images.pullable.add("debian:trixie-slim");
        assertThat(BaseImagePlan.resolve(null, images))
                .isEqualTo(new BaseImagePlan.Base("debian:trixie-slim", "sha256:pulled", Source.PULLED));
        assertThat(images.calls).containsExactly("pull debian:trixie-slim");
    }

    @Test
    void withNoRegistryABaseIsMadeWithDebootstrap() {
        FakeImages images = new FakeImages();
        assertThat(BaseImagePlan.resolve(null, images))
                .isEqualTo(new BaseImagePlan.Base(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made", Source.DEBOOTSTRAPPED));
        assertThat(images.calls).containsExactly("pull debian:trixie-slim", "debootstrap");
    }

    @Test
    void aNamedBaseThatIsNeitherHereNorPullableIsAnImageMissingError() {
        FakeImages images = new FakeImages();
        images.local.put(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made");
        assertThatThrownBy(() -> BaseImagePlan.resolve("ubuntu:24.04", images))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_MISSING))
                .hasMessageContaining("ubuntu:24.04").hasMessageContaining("--base-image");
        assertThat(images.calls).containsExactly("pull ubuntu:24.04");
    }

    @Test
    void peekingNeverPullsOrMakesAnything() {
        FakeImages images = new FakeImages();
        assertThat(BaseImagePlan.peek(null, images)).isEmpty();
        images.local.put(BaseImagePlan.DEBOOTSTRAP_BASE, "sha256:made");
        assertThat(BaseImagePlan.peek(null, images)).map(BaseImagePlan.Base::id).contains("sha256:made");
        assertThat(BaseImagePlan.peek("ubuntu:24.04", images)).isEmpty();
        assertThat(images.calls).isEmpty();
    }
}
