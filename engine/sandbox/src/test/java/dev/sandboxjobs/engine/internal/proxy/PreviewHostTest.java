package dev.sandboxjobs.engine.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.PreviewOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreviewHostTest {
    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz";

    @Test
    void sandboxIdsWithDashesParseUnambiguously() {
        Optional<PreviewHost> host = PreviewHost.parse("8080-my-little-sandbox-2-" + TOKEN + ".localhost:8123", "localhost");

        assertThat(host).contains(new PreviewHost(8080, "my-little-sandbox-2", TOKEN));
    }

    @Test
    void formattingAndParsingAreInverse() {
        String token = PreviewTokens.newToken();
        PreviewHost original = PreviewHost.of(3001, "a-b-c", token);

        assertThat(PreviewHost.parse(original.hostName("localhost") + ":80", "localhost")).contains(original);
        assertThat(original.url("localhost", 8123)).isEqualTo("http://3001-a-b-c-" + token + ".localhost:8123/");
    }

    @Test
    void hostNamesAreCaseInsensitive() {
        assertThat(PreviewHost.parse("8000-SandBox-" + TOKEN.toUpperCase() + ".LocalHost", "localhost"))
                .contains(new PreviewHost(8000, "sandbox", TOKEN));
    }

    @Test
    void hostsThatAreNotPreviewHostsAreRejected() {
        assertThat(PreviewHost.parse("localhost:8123", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("8000-sandbox.localhost", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("8000-sandbox-" + TOKEN + ".example.com", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("99999-sandbox-" + TOKEN + ".localhost", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("80a0-sandbox-" + TOKEN + ".localhost", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("8000--" + TOKEN + ".localhost", "localhost")).isEmpty();
        assertThat(PreviewHost.parse("8000-sandbox-" + TOKEN.substring(1) + "1.localhost", "localhost")).isEmpty();
        assertThat(PreviewHost.parse(null, "localhost")).isEmpty();
    }

    @Test
    void anySandboxIdBecomesAHostSafeLabelThatFitsADnsLabel() {
        assertThat(PreviewHost.labelOf("My_Sandbox.v2")).isEqualTo("my-sandbox-v2");
        assertThat(PreviewHost.labelOf("--weird  id--")).isEqualTo("weird-id");
        assertThat(PreviewHost.labelOf("***")).isEqualTo("sandbox");
        String longId = "a-very-long-sandbox-identifier-that-goes-on-and-on";
        String label = PreviewHost.labelOf(longId);
        assertThat(label).hasSizeLessThanOrEqualTo(PreviewHost.MAX_LABEL).doesNotEndWith("-");
        assertThat(PreviewHost.of(65535, longId, TOKEN).hostName("localhost").indexOf('.')).isLessThanOrEqualTo(63);
        assertThat(PreviewHost.parse(PreviewHost.of(8000, "My_Sandbox.v2", TOKEN).hostName("localhost"), "localhost"))
                .contains(new PreviewHost(8000, "my-sandbox-v2", TOKEN));
    }

    @Test
    void tokensAreLongRandomAndComparedExactly() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = PreviewTokens.newToken();
            assertThat(PreviewTokens.isWellFormed(token)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
        String token = PreviewTokens.newToken();
        assertThat(PreviewTokens.matches(token, token)).isTrue();
        assertThat(PreviewTokens.matches(token, token.substring(1) + "a")).isFalse();
        assertThat(PreviewTokens.matches(token, null)).isFalse();
    }

    @Test
    void theProxyIsOffUntilFirstUsedAndClosesTwice() {
        PreviewProxy proxy = new PreviewProxy(PreviewOptions.defaults(), label -> List.of());
        assertThat(proxy.isRunning()).isFalse();

        String url = proxy.urlFor("sb", 8000, TOKEN);

        assertThat(proxy.isRunning()).isTrue();
        assertThat(url).matches("http://8000-sb-" + TOKEN + "\\.localhost:\\d+/");
        proxy.close();
        proxy.close();
        assertThat(proxy.isRunning()).isFalse();
    }
}
