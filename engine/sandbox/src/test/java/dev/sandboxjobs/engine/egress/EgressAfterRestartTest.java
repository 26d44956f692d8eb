package dev.sandboxjobs.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxied sandbox outlives the engine process that made it (a worker restarted, a second
 * command-line process): the next engine on the same data directory serves its egress proxy from
 * the start, so that its processes reach what its policy allows even before anyone asks the new
 * engine for the sandbox.
 */
@RequiresDocker
class EgressAfterRestartTest {
    private static final String URL = "https://registry.npmjs.org/is-number";
    @TempDir Path dir;

    @Test
    void theNextEngineServesTheProxyOfASandboxThatOutlivedTheLastOne() throws Exception {
        String id = "survivor-" + System.nanoTime();
        try (SandboxEngine first = TestEngines.create(dir)) {
            Sandbox sb = first.getSandbox(id, SandboxOptions.builder().egress(EgressPolicy.allow("registry.npmjs.org")).build());
            ExecResult before = sb.exec("curl -sS -o /dev/null -w '%{http_code}' -m 30 " + URL);
            assertThat(before.stdout()).as(before.stderr()).isEqualTo("200");
        }
        try (SandboxEngine second = TestEngines.create(dir)) {
            try {
                // a process of the sandbox that this engine did not start (docker exec straight into the container)
                String container = docker("ps", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + id).strip();
                assertThat(container).isNotEmpty();
                String raw = docker("exec", container, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-m", "30", URL);
                assertThat(raw).isEqualTo("200");

                Sandbox sb = second.getSandbox(id);
                ExecResult after = sb.exec("curl -sS -o /dev/null -w '%{http_code}' -m 30 " + URL);
                assertThat(after.stdout()).as(after.stderr()).isEqualTo("200");
                ExecResult denied = sb.exec("curl -sS -m 30 -i http://example.com/");
                assertThat(denied.stdout()).contains("403").contains("allowlist [registry.npmjs.org]");
            } finally {
                second.getSandbox(id).destroy();
            }
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(concat(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<String> concat(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("docker"));
        all.addAll(List.of(args));
        return all;
    }
}
