package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote functions (the CoreWeave seed's @session.function) in Python, on real Docker. */
@RequiresDocker
class SandboxRemoteFunctionsTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    static final RemoteFunction PROCESS = RemoteFunction.python("""
            import os

            def process(task_id):
                return {
                    "task": task_id,
                    "project": os.environ.get("PROJECT_ID"),
                    "version": os.environ.get("MODEL_VERSION"),
                }
            """, "process");

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image())
                .defaults(SandboxDefaults.builder().memoryBytes(512L << 20).env("PROJECT_ID", "my-project")
                        .env("MODEL_VERSION", "v1").label("dev.sandboxjobs.owner", "sdk-tests").build())
                .build();
        sandbox = engine.getSandbox("functions", SandboxOptions.builder().keepAlive(true).network(NetworkMode.NONE).build());
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
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(code));
    }

    @Test
    void aFunctionInAFreshSandboxGetsTheDefaultsEnvironmentUnderItsOwn() {
        FunctionResult r = engine.callFunction(PROCESS.withEnv("MODEL_VERSION", "v2.0"), 42);

        assertThat(r.as(Map.class)).isEqualTo(Map.of("task", 42, "project", "my-project", "version", "v2.0"));
        assertThat(engine.listSandboxes()).noneMatch(s -> s.id().startsWith("function-process-"));
    }

    @Test
    void aFunctionInASessionRunsInItsDirectoryWithItsVariables() {
        sandbox.mkdir("/workspace/job", true);
        ExecutionSession session = sandbox.createSession(SessionOptions.builder().id("fn-session")
                .cwd("/workspace/job").env("MODEL_VERSION", "from-session").build());
        RemoteFunction where = RemoteFunction.python("""
                import os
                def where():
                    print("working")
                    return [os.getcwd(), os.environ["MODEL_VERSION"], os.environ["PROJECT_ID"]]
                """, "where");

        FunctionResult r = session.callFunction(where);

        assertThat(r.as(List.class)).containsExactly("/workspace/job", "from-session", "my-project");
        assertThat(r.stdout()).isEqualTo("working\n");
    }

    @Test
    void argumentsAndResultsTravelAsJson() {
        RemoteFunction stats = RemoteFunction.python("""
                def stats(values, label, options):
                    return {"label": label, "sum": sum(values), "max": max(values), "scale": options["scale"], "none": None}
                """, "stats");
        record Options(double scale) {}

        FunctionResult r = sandbox.callFunction(stats, List.of(3, 9, 4), "run-7", new Options(1.5));

        assertThat(r.value().get("sum").asInt()).isEqualTo(16);
        assertThat(r.value().get("max").asInt()).isEqualTo(9);
        assertThat(r.value().get("label").asText()).isEqualTo("run-7");
        assertThat(r.value().get("scale").asDouble()).isEqualTo(1.5);
        assertThat(r.value().get("none").isNull()).isTrue();
    }

    @Test
    void aFunctionFromAFileOnTheHostNamesItInTracebacks() throws Exception {
        Path file = dir.resolve("tasks.py");
        Files.writeString(file, "def ratio(a, b):\n    return a / b\n");
        RemoteFunction ratio = RemoteFunction.pythonFile(file, "ratio");

        assertThat(sandbox.callFunction(ratio, 1, 4).as(Double.class)).isEqualTo(0.25);
        assertThatThrownBy(() -> sandbox.callFunction(ratio, 1, 0)).isInstanceOf(RemoteFunctionException.class)
                .satisfies(e -> {
                    assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.FUNCTION_FAILED);
                    assertThat(e.getMessage()).contains("ZeroDivisionError").contains("tasks.py\", line 2");
                    assertThat(((RemoteFunctionException) e).remoteType()).isEqualTo("ZeroDivisionError");
                    assertThat(((RemoteFunctionException) e).remoteStack()).anyMatch(l -> l.contains("tasks.py\", line 2"));
                });
    }

    @Test
    void badFunctionsAndArgumentsAreTypedErrors() {
        assertCode(ErrorCode.FUNCTION_FAILED, () -> sandbox.callFunction(RemoteFunction.python("x = 1", "missing")));
        assertCode(ErrorCode.FUNCTION_FAILED, () -> sandbox.callFunction(
                RemoteFunction.python("def f():\n    return object()", "f")));
        assertCode(ErrorCode.FUNCTION_FAILED, () -> sandbox.callFunction(
                RemoteFunction.python("def f():\n    import os\n    os._exit(3)", "f")));
        assertCode(ErrorCode.COMMAND_TIMEOUT, () -> sandbox.callFunction(
                RemoteFunction.python("def f():\n    import time\n    time.sleep(60)", "f").withTimeout(Duration.ofSeconds(1))));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.callFunction(PROCESS, new Object()));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.python("def f(): pass", "not a name"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> RemoteFunction.python(" ", "f"));
        assertCode(ErrorCode.FILE_NOT_FOUND, () -> RemoteFunction.pythonFile(dir.resolve("nope.py"), "f"));
        assertCode(ErrorCode.INVALID_ARGUMENT, () -> sandbox.callFunction(PROCESS.withEnv("1BAD", "x"), 1));
        assertThat(sandbox.exec("ls -a /tmp | grep -c sandbox-jobs-fn || true").stdout().strip()).isEqualTo("0");
    }
}
