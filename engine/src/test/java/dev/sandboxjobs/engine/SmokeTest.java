package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SmokeTest {
    @TempDir Path dir;

    @Test
    void smoke() {
        try (SandboxEngine engine = TestEngines.create(dir)) {
            Sandbox sb = engine.getSandbox("smoke");
            try {
                long t0 = System.nanoTime();
                ExecResult r = sb.exec("echo hello; echo err >&2; cd /tmp; export FOO=bar");
                System.out.println("first exec ms " + (System.nanoTime() - t0) / 1e6 + " " + r);
                assertThat(r.stdout()).isEqualTo("hello\n");
                assertThat(r.stderr()).isEqualTo("err\n");
                ExecResult r2 = sb.exec("pwd; echo $FOO");
                assertThat(r2.stdout()).isEqualTo("/tmp\nbar\n");
                for (int i = 0; i < 20; i++) {
                    long t = System.nanoTime();
                    sb.exec("true");
                    System.out.println("true ms " + (System.nanoTime() - t) / 1e6);
                }
                sb.writeFile("/workspace/a.txt", "héllo");
                assertThat(sb.readFile("/workspace/a.txt").content()).isEqualTo("héllo");
                ExecResult r3 = sb.exec("exit 3");
                assertThat(r3.exitCode()).isEqualTo(3);
                assertThat(sb.exec("pwd").stdout()).isEqualTo("/tmp\n");
            } finally {
                sb.destroy();
            }
        }
    }
}
