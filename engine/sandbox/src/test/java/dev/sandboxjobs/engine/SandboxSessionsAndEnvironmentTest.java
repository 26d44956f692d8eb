package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxSessionsAndEnvironmentTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir)
                .defaults(SandboxDefaults.builder()
                        .memoryBytes(512L << 20)
                        .env("FROM_DEFAULTS", "default").env("OVERRIDDEN", "default")
                        .label("dev.sandboxjobs.owner", "sdk-tests")
                        .build())
                .build();
        sandbox = engine.getSandbox("sessions", SandboxOptions.builder()
                .env("OVERRIDDEN", "sandbox").env("LEVEL", "sandbox")
                .secret("API_TOKEN", Secret.of("s3cr3t-value"))
                .build());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private static String echo(SandboxOperations ops, String var) {
        return ops.exec("printf %s \"$" + var + "\"").stdout();
    }

    @Test
    void environmentPrecedenceIsCommandOverSessionOverSandboxOverImageOverSystem() {
        // system: HOME comes from the OS account, nobody sets it
        assertThat(echo(sandbox, "HOME")).isEqualTo("/home/sandbox");  // the default user, sandbox (uid 1000)
        // image: MPLBACKEND is an ENV of the runtime image
        assertThat(echo(sandbox, "MPLBACKEND")).isEqualTo("Agg");
        // sandbox over image
        Sandbox other = engine.getSandbox("precedence", SandboxOptions.builder().env("MPLBACKEND", "sandbox").build());
        try {
            assertThat(echo(other, "MPLBACKEND")).isEqualTo("sandbox");
            // session over sandbox
            ExecutionSession s = other.createSession(SessionOptions.builder().env("MPLBACKEND", "session").build());
            assertThat(echo(s, "MPLBACKEND")).isEqualTo("session");
            // command over session, for that command only
            assertThat(s.exec("printf %s \"$MPLBACKEND\"", ExecOptions.builder().env("MPLBACKEND", "command").build()).stdout())
                    .isEqualTo("command");
            assertThat(echo(s, "MPLBACKEND")).isEqualTo("session");
            // the system default can be overridden too
            assertThat(s.exec("printf %s \"$HOME\"", ExecOptions.builder().env("HOME", "/elsewhere").build()).stdout())
                    .isEqualTo("/elsewhere");
        } finally {
            other.destroy();
        }
    }

    @Test
    void engineDefaultsApplyWithPerSandboxOverrides() {
        assertThat(echo(sandbox, "FROM_DEFAULTS")).isEqualTo("default");
        assertThat(echo(sandbox, "OVERRIDDEN")).isEqualTo("sandbox");
        assertThat(echo(sandbox, "LEVEL")).isEqualTo("sandbox");
    }

    @Test
    void setEnvVarsOnTheSandboxReachesLiveSessionsUnlessTheyOverride() {
        ExecutionSession plain = sandbox.createSession(SessionOptions.builder().id("plain").build());
        ExecutionSession own = sandbox.createSession(SessionOptions.builder().id("own").env("SHARED", "session").build());
        assertThat(echo(plain, "SHARED")).isEmpty();
        sandbox.setEnvVars(Map.of("SHARED", "sandbox value with 'quotes' and $dollar"));
        assertThat(echo(plain, "SHARED")).isEqualTo("sandbox value with 'quotes' and $dollar");
        assertThat(echo(own, "SHARED")).isEqualTo("session");
        assertThat(echo(sandbox, "SHARED")).isEqualTo("sandbox value with 'quotes' and $dollar");
        own.setEnvVars(Map.of("SHARED", "session2"));
        assertThat(echo(own, "SHARED")).isEqualTo("session2");
        sandbox.deleteSession("plain");
        sandbox.deleteSession("own");
    }

    @Test
    void secretsReachCommandsButNeverTheDatabase() throws Exception {
        assertThat(echo(sandbox, "API_TOKEN")).isEqualTo("s3cr3t-value");
        assertThat(Secret.of("s3cr3t-value").toString()).doesNotContain("s3cr3t");
        for (Path f : Files.list(dir).toList()) {
            if (Files.isRegularFile(f)) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t-value");
            }
        }
    }

    @Test
    void aSecretFromAMissingEnvironmentVariableIsATypedError() {
        Secret missing = Secret.fromEnv("SANDBOX_JOBS_SURELY_NOT_SET_42");
        assertThatThrownBy(missing::reveal)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(Secret.from(() -> "computed").reveal()).isEqualTo("computed");
    }

    @Test
    void aSecretHoldingANulCharacterIsATypedErrorThatDoesNotShowItsValue() {
        Sandbox bad = engine.getSandbox("nul-secret", SandboxOptions.builder()
                .secret("NUL_TOKEN", Secret.of("before\0echo injected")).build());
        try {
            assertThatThrownBy(() -> bad.exec("echo never"))
                    .isInstanceOf(SandboxException.class)
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .satisfies(e -> assertThat(e.getMessage()).contains("NUL_TOKEN").doesNotContain("injected"));
        } finally {
            bad.destroy();
        }
    }

    @Test
    void sessionsHaveTheirOwnDirectoryAndEnvironment() {
        sandbox.mkdir("/tmp/s1", true);
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("own-dir").cwd("/tmp/s1").env("WHO", "s1").build());
        assertThat(s.id()).isEqualTo("own-dir");
        assertThat(s.sandboxId()).isEqualTo("sessions");
        assertThat(s.exec("pwd; echo $WHO").stdout()).isEqualTo("/tmp/s1\ns1\n");
        assertThat(sandbox.exec("echo \"[$WHO]\"").stdout()).isEqualTo("[]\n");
        // relative file paths resolve against the session's directory
        s.writeFile("rel.txt", "relative");
        assertThat(sandbox.readFile("/tmp/s1/rel.txt").content()).isEqualTo("relative");
        assertThat(sandbox.getSession("own-dir").exec("pwd").stdout()).isEqualTo("/tmp/s1\n");
        assertThat(sandbox.listSessions()).contains("default", "own-dir");
        sandbox.deleteSession("own-dir");
        assertThat(sandbox.listSessions()).doesNotContain("own-dir");
    }

    @Test
    void unknownSessionsAndDuplicateIdsAreTypedErrors() {
        assertThatThrownBy(() -> sandbox.getSession("nope"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.SESSION_NOT_FOUND));
        assertThatThrownBy(() -> sandbox.deleteSession("nope"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.SESSION_NOT_FOUND));
        sandbox.createSession(SessionOptions.builder().id("dup").build());
        assertThatThrownBy(() -> sandbox.createSession(SessionOptions.builder().id("dup").build()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.SESSION_EXISTS));
        ExecutionSession deleted = sandbox.getSession("dup");
        sandbox.deleteSession("dup");
        assertThatThrownBy(() -> deleted.exec("true"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.SESSION_NOT_FOUND));
        assertThatThrownBy(() -> sandbox.deleteSession(Sandbox.DEFAULT_SESSION))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void differentSessionsRunInParallel() throws Exception {
        ExecutionSession waiter = sandbox.createSession(SessionOptions.builder().id("waiter").build());
        ExecutionSession signaller = sandbox.createSession(SessionOptions.builder().id("signaller").build());
        sandbox.exec("rm -f /tmp/flag");
        // the waiter only finishes if the signaller runs while it waits
        CompletableFuture<ExecResult> waiting = CompletableFuture.supplyAsync(() -> waiter.exec(
                "until [ -f /tmp/flag ]; do sleep 0.05; done; echo released",
                ExecOptions.builder().timeout(Duration.ofSeconds(20)).build()));
        Thread.sleep(200);
        signaller.exec("touch /tmp/flag");
        assertThat(waiting.get().stdout()).isEqualTo("released\n");
        sandbox.deleteSession("waiter");
        sandbox.deleteSession("signaller");
    }

    @Test
    void callsWithinOneSessionRunOneAtATime() throws Exception {
        ExecutionSession s = sandbox.createSession(SessionOptions.builder().id("serial").build());
        CompletableFuture<ExecResult> first = CompletableFuture.supplyAsync(() ->
                s.exec("touch /tmp/busy; sleep 0.7; rm /tmp/busy"));
        Thread.sleep(200);
        ExecResult second = s.exec("[ -f /tmp/busy ] && echo overlapped || echo alone");
        first.get();
        assertThat(second.stdout()).isEqualTo("alone\n");
        sandbox.deleteSession("serial");
    }

    @Test
    void theTestImageIsTheRuntimeImage() {
        assertThat(sandbox.info().image()).isEqualTo(TestImages.runtime());
    }
}
