package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote functions in Java, on real Docker: compiled and called in a sandbox of the full image
 * (which has a JDK), and the typed error of the default image (which has none).
 */
@RequiresDocker
class SandboxJavaFunctionsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static SandboxOptions full;

    static final String SCORES = """
            import java.util.List;

            public class Scores {
                public record Options(double scale, String unit) {}
                public record Summary(String label, int total, double scaled, List<String> units) {}

                public static Summary score(int bonus, String label, List<Integer> values, Options options) {
                    System.out.println("scoring " + label);
                    int total = values.stream().mapToInt(Integer::intValue).sum() + bonus;
                    return new Summary(label, total, total * options.scale(), List.of(options.unit()));
                }

                static int ratio(int a, int b) {
                    return check(a / b);
                }

                private static int check(int value) {
                    if (value > 100) {
                        throw new IllegalStateException("ratio too high: " + value);
                    }
                    return value;
                }
            }
            """;

    /** The record the test reads the result into: the same JSON shape as Scores.Summary. */
    record Summary(String label, int total, double scaled, List<String> units) {}

    record Options(double scale, String unit) {}

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(768L << 20).env("PROJECT_ID", "my-project")
                        .env("MODEL_VERSION", "v1").label("dev.sandboxjobs.owner", "sdk-tests").build())
                .build();
    }

    static SandboxOptions sandboxOptions() {
        sandbox();
        return full;
    }

    /** The full image's sandbox, made on first use (the test without a JDK needs only the runtime image). */
    static synchronized Sandbox sandbox() {
        if (sandbox == null) {
            full = SandboxOptions.builder().image(RuntimeImageForTests.fullImage()).network(NetworkMode.NONE).build();
            sandbox = engine.getSandbox("java-functions", full.toBuilder().keepAlive(true).build());
        }
        return sandbox;
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

    static void assertCode(ErrorCode code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).as(e.getMessage()).isEqualTo(code));
    }

    @Test
    void aStaticMethodTakesPrimitivesStringsListsAndRecordsAndReturnsARecord() {
        RemoteFunction score = RemoteFunction.java(SCORES, "Scores", "score");

        FunctionResult r = sandbox().callFunction(score, 1, "run-7", List.of(3, 9, 4), new Options(1.5, "ms"));

        assertThat(r.as(Summary.class)).isEqualTo(new Summary("run-7", 17, 25.5, List.of("ms")));
        assertThat(r.stdout()).isEqualTo("scoring run-7\n");
        String compiled = "ls /tmp/.sandbox-jobs-java-*/ | grep -c '^fn-[0-9a-f]*$'";
        String before = sandbox().exec(compiled).stdout().strip();
        assertThat(sandbox().callFunction(score, 0, "again", List.of(1), new Options(2, "s")).as(Summary.class))
                .isEqualTo(new Summary("again", 1, 2.0, List.of("s")));
        assertThat(sandbox().exec(compiled).stdout().strip()).as("the source's classes, compiled once")
                .isEqualTo(before).isNotEqualTo("0");
        assertThat(sandbox().exec("ls -a /tmp | grep -c sandbox-jobs-fn || true").stdout().strip()).isEqualTo("0");
    }

    @Test
    void anExceptionInTheMethodIsFunctionFailedWithItsClassMessageAndStack() {
        RemoteFunction ratio = RemoteFunction.java(SCORES, "Scores", "ratio");

        assertThat(sandbox().callFunction(ratio, 9, 3).as(Integer.class)).isEqualTo(3);
        assertThatThrownBy(() -> sandbox().callFunction(ratio, 1000, 2)).isInstanceOf(RemoteFunctionException.class)
                .satisfies(thrown -> {
                    RemoteFunctionException e = (RemoteFunctionException) thrown;
                    assertThat(e.code()).isEqualTo(ErrorCode.FUNCTION_FAILED);
                    assertThat(e.remoteType()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(e.remoteMessage()).isEqualTo("ratio too high: 500");
                    assertThat(e.remoteStack()).contains("\tat Scores.check(Scores.java:19)", "\tat Scores.ratio(Scores.java:14)")
                            .noneMatch(line -> line.contains("SjFunction") || line.contains("reflect"));
                    assertThat(e.getMessage()).contains("Scores.ratio raised java.lang.IllegalStateException: ratio too high");
                });
        assertThatThrownBy(() -> sandbox().callFunction(ratio, 1, 0)).isInstanceOf(RemoteFunctionException.class)
                .satisfies(e -> assertThat(((RemoteFunctionException) e).remoteType()).isEqualTo("java.lang.ArithmeticException"));
    }

    @Test
    void aSourceThatDoesNotCompileIsFunctionFailedWithJavacsDiagnostics() {
        RemoteFunction broken = RemoteFunction.java("""
                public class Broken {
                    public static int twice(int x) {
                        return x * 2
                    }
                }
                """, "Broken", "twice");

        assertThatThrownBy(() -> sandbox().callFunction(broken, 2)).isInstanceOf(SandboxException.class)
                .isNotInstanceOf(RemoteFunctionException.class)
                .satisfies(e -> {
                    assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FUNCTION_FAILED);
                    assertThat(e.getMessage()).contains("Broken.twice (Broken.java) does not compile: 1 error")
                            .contains("Broken.java:3: error: ';' expected");
                });
    }

    @Test
    void aFunctionThatExitsWithTheLaunchersNoJdkCodeIsNotMistakenForAMissingJdk() {
        RemoteFunction exits = RemoteFunction.java(
                "public class Exits { public static int now() { System.exit(86); return 0; } }", "Exits", "now");

        assertThatThrownBy(() -> sandbox().callFunction(exits)).isInstanceOf(SandboxException.class)
                .satisfies(e -> {
                    assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FUNCTION_FAILED);
                    assertThat(e.getMessage()).contains("exit code 86");
                });
    }

    @Test
    void aFunctionInAFreshSandboxGetsTheDefaultsEnvironmentUnderItsOwn() {
        RemoteFunction env = RemoteFunction.java("""
                package com.acme;
                import java.util.Map;
                class Env {
                    static Map<String, String> read() {
                        return Map.of("project", System.getenv("PROJECT_ID"), "version", System.getenv("MODEL_VERSION"));
                    }
                }
                """, "com.acme.Env", "read");

        FunctionResult r = engine.callFunction(sandboxOptions(), env.withEnv("MODEL_VERSION", "v2.0"));

        assertThat(r.as(Map.class)).isEqualTo(Map.of("project", "my-project", "version", "v2.0"));
        assertThat(engine.listSandboxes()).noneMatch(s -> s.id().startsWith("function-read-"));
    }

    @Test
    void aFileInTheSandboxRunsInTheSessionsDirectoryWithItsVariables() {
        sandbox().mkdir("/workspace/jvm/src", true);
        sandbox().writeFile("/workspace/jvm/src/Where.java", """
                public class Where {
                    public static class Probe {
                        private final String prefix = "in ";

                        public String where(String label) {
                            return prefix + System.getProperty("user.dir") + " " + System.getenv("MODEL_VERSION") + " " + label;
                        }
                    }
                }
                """);
        ExecutionSession session = sandbox().createSession(SessionOptions.builder().id("jvm-session")
                .cwd("/workspace/jvm").env("MODEL_VERSION", "from-session").build());

        FunctionResult r = session.callFunction(RemoteFunction.javaFile("src/Where.java", "Where$Probe", "where"), "x");

        assertThat(r.as(String.class)).isEqualTo("in /workspace/jvm from-session x");
        assertThat(session.callFunction(RemoteFunction.javaFile("/workspace/jvm/src/Where.java", "Where.Probe", "where"),
                "y").as(String.class)).endsWith(" y");
    }

    @Test
    void anImageWithoutAJdkIsToolchainMissingNamingTheFullImage() {
        Sandbox plain = engine.getSandbox("java-functions-no-jdk", SandboxOptions.builder().network(NetworkMode.NONE).build());
        try {
            assertThatThrownBy(() -> plain.callFunction(RemoteFunction.java(SCORES, "Scores", "ratio"), 4, 2))
                    .isInstanceOf(SandboxException.class)
                    .satisfies(e -> {
                        assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.TOOLCHAIN_MISSING);
                        assertThat(e.getMessage()).contains("needs a JDK").contains("sandbox-jobs/runtime-full")
                                .contains("setup --full");
                    });
        } finally {
            plain.destroy();
        }
    }

    @Test
    void badFunctionsAndArgumentsAreTypedErrors() {
        RemoteFunction score = RemoteFunction.java(SCORES, "Scores", "score");
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.java(SCORES, "not a class", "score"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.java(SCORES, "Scores", "no-method"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.java(" ", "Scores", "score"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.javaFile("", "Scores", "score"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox().callFunction(score, new Object()));
        assertThatThrownBy(() -> sandbox().callFunction(score, "not a number", "x", List.of(), new Options(1, "s")))
                .hasMessageContaining("cannot be called").hasMessageContaining("fit no method score");
        assertThatThrownBy(() -> sandbox().callFunction(RemoteFunction.java(SCORES, "Scores", "missing")))
                .hasMessageContaining("Scores has no method named missing");
        assertThatThrownBy(() -> sandbox().callFunction(RemoteFunction.java("class Helper {}", "Other", "score")))
                .hasMessageContaining("the source defines no class Other");
        assertThatThrownBy(() -> sandbox().callFunction(RemoteFunction.javaFile("nope/Missing.java", "Missing", "f")))
                .hasMessageContaining("does not exist in the sandbox");
        assertCode(ErrorCode.COMMAND_TIMEOUT, () -> sandbox().callFunction(RemoteFunction.java(
                "class Slow { static void f() throws Exception { Thread.sleep(60_000); } }", "Slow", "f")
                .withTimeout(Duration.ofSeconds(8))));
        assertThat(sandbox().exec("ps -eo args | grep -c '[S]jFunction\\|[s]j_function' || true").stdout().strip()).isEqualTo("0");
    }
}
