package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.ExecutionError;
import dev.sandboxjobs.engine.interpreter.Result;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code interpreter through the public API: one engine and one sandbox for the class. */
@RequiresDocker
class SandboxCodeInterpreterTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image())
                .maintenanceInterval(Duration.ofMillis(500)).build();
        sandbox = engine.getSandbox("interpreter-api", SandboxOptions.builder().keepAlive(true).build());
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
    void variablesAndImportsPersistAcrossRunsInOneContext() {
        CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
        sandbox.runCode("import math\nradius = 5", RunCodeOptions.in(ctx));

        Execution run = sandbox.runCode("math.pi * radius ** 2", RunCodeOptions.in(ctx));

        assertThat(run.success()).isTrue();
        assertThat(run.text()).isEqualTo("78.53981633974483");
        assertThat(run.executionCount()).isEqualTo(2);
    }

    @Test
    void twoContextsDoNotSeeEachOthersState() {
        CodeContext first = sandbox.createCodeContext();
        CodeContext second = sandbox.createCodeContext();
        sandbox.runCode("secret = 'only in the first'", RunCodeOptions.in(first));

        Execution inSecond = sandbox.runCode("secret", RunCodeOptions.in(second));

        assertThat(inSecond.error()).isNotNull();
        assertThat(inSecond.error().name()).isEqualTo("NameError");
        assertThat(sandbox.runCode("secret", RunCodeOptions.in(first)).text()).isEqualTo("'only in the first'");
    }

    @Test
    void theLastExpressionIsTheMainResultAndPrintedOutputGoesToTheLogs() {
        Execution run = sandbox.runCode("print('Sum:', 10 + 5)\n6 * 7");

        assertThat(run.logs().stdout()).containsExactly("Sum: 15");
        assertThat(run.results()).hasSize(1);
        assertThat(run.results().get(0).isMainResult()).isTrue();
        assertThat(run.results().get(0).text()).isEqualTo("42");
    }

    @Test
    void aDataFrameComesBackAsHtmlAndText() {
        Execution run = sandbox.runCode("import pandas as pd\npd.DataFrame({'city': ['Oslo', 'Lima'], 'temp': [3, 19]})");

        Result table = run.results().get(0);
        assertThat(table.html()).contains("<table").contains("Oslo").contains("Lima");
        assertThat(table.text()).contains("city").contains("temp");
    }

    @Test
    void aMatplotlibFigureComesBackAsPng() {
        Execution run = sandbox.runCode("""
                import matplotlib.pyplot as plt
                plt.plot([1, 2, 3], [1, 4, 9])
                plt.title('squares')
                plt.show()
                """);

        assertThat(run.success()).isTrue();
        Result chart = run.results().stream().filter(r -> r.png() != null).findFirst().orElseThrow();
        byte[] png = chart.pngBytes();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(chart.chart()).contains("\"type\"").contains("squares");
    }

    @Test
    void aJavaScriptObjectComesBackAsJson() {
        Execution run = sandbox.runCode("({answer: 42, list: [1, 2]})", RunCodeOptions.of(CodeLanguage.JAVASCRIPT));

        assertThat(run.results().get(0).json()).contains("\"answer\":42").contains("[1,2]");
    }

    @Test
    void anErrorIsDataWithNameValueAndTracebackAndTheContextStaysUsable() {
        CodeContext ctx = sandbox.createCodeContext();
        sandbox.runCode("kept = 'still here'", RunCodeOptions.in(ctx));
        List<ExecutionError> seen = new CopyOnWriteArrayList<>();

        Execution run = sandbox.runCode("def divide(a, b):\n    return a / b\ndivide(1, 0)",
                RunCodeOptions.builder().context(ctx).onError(seen::add).build());

        assertThat(run.success()).isFalse();
        assertThat(run.error().name()).isEqualTo("ZeroDivisionError");
        assertThat(run.error().value()).contains("division by zero");
        assertThat(String.join("\n", run.error().traceback())).contains("divide");
        assertThat(seen).containsExactly(run.error());
        assertThat(sandbox.runCode("kept", RunCodeOptions.in(ctx)).text()).isEqualTo("'still here'");
    }

    @Test
    void aJavaScriptContextKeepsItsStateToo() {
        CodeContext js = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.JAVASCRIPT));
        sandbox.runCode("var total = 0; for (let i = 1; i <= 6; i++) total += i; console.log('sum', total)",
                RunCodeOptions.in(js));

        Execution run = sandbox.runCode("total * 2", RunCodeOptions.in(js));

        assertThat(run.text()).isEqualTo("42");
        assertThat(js.language()).isEqualTo(CodeLanguage.JAVASCRIPT);
    }

    @Test
    void outputStreamsToTheCallbacksWhileTheCodeIsStillRunning() throws Exception {
        CodeContext ctx = sandbox.createCodeContext();
        CountDownLatch firstLine = new CountDownLatch(1);
        List<String> chunks = new CopyOnWriteArrayList<>();
        List<Result> results = new CopyOnWriteArrayList<>();
        RunCodeOptions options = RunCodeOptions.builder().context(ctx)
                .onStdout(text -> {
                    chunks.add(text);
                    firstLine.countDown();
                })
                .onResult(results::add)
                .build();

        // the code waits for a file that the test writes only after it saw the first line: the run
        // can finish only if that line was delivered while the code was still running
        CompletableFuture<Execution> run = CompletableFuture.supplyAsync(() -> sandbox.runCode("""
                import os, time
                print('waiting', flush=True)
                while not os.path.exists('/tmp/go-streaming'):
                    time.sleep(0.05)
                print('released')
                'done'
                """, options));
        assertThat(firstLine.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run).isNotDone();
        sandbox.writeFile("/tmp/go-streaming", "go");

        Execution done = run.get(30, TimeUnit.SECONDS);
        assertThat(String.join("", chunks)).isEqualTo("waiting\nreleased\n");
        assertThat(results).extracting(Result::text).containsExactly("'done'");
        assertThat(done.text()).isEqualTo("'done'");
    }

    @Test
    void codeRunningPastItsTimeoutIsInterruptedAndTheContextKeepsItsState() {
        CodeContext ctx = sandbox.createCodeContext();
        sandbox.runCode("before = 1", RunCodeOptions.in(ctx));

        Execution run = sandbox.runCode("import time\ntime.sleep(60)",
                RunCodeOptions.builder().context(ctx).timeout(Duration.ofSeconds(2)).build());

        assertThat(run.error()).isNotNull();
        assertThat(run.error().name()).isEqualTo("TimeoutError");
        assertThat(sandbox.runCode("before + 1", RunCodeOptions.in(ctx)).text()).isEqualTo("2");
    }

    @Test
    void contextsAreListedAndADeletedOneIsReportedAsNotFound() {
        CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.builder().cwd("/workspace/listed").build());
        assertThat(sandbox.listCodeContexts()).extracting(CodeContext::id).contains(ctx.id());
        assertThat(ctx.cwd()).isEqualTo("/workspace/listed");
        assertThat(sandbox.runCode("import os\nos.getcwd()", RunCodeOptions.in(ctx)).text()).isEqualTo("'/workspace/listed'");

        sandbox.deleteCodeContext(ctx.id());

        assertThat(sandbox.listCodeContexts()).extracting(CodeContext::id).doesNotContain(ctx.id());
        assertCode(ErrorCode.CONTEXT_NOT_FOUND, () -> sandbox.runCode("1", RunCodeOptions.in(ctx)));
        assertCode(ErrorCode.CONTEXT_NOT_FOUND, () -> sandbox.deleteCodeContext(ctx.id()));
    }

    @Test
    void aLiveCodeContextKeepsItsSandboxAwakeWithItsState() throws Exception {
        // issue 17: a live code context is live work, so sleepAfter does not take its state away
        Sandbox sleepy = engine.getSandbox("interpreter-sleepy", SandboxOptions.builder().sleepAfter(Duration.ofSeconds(1)).build());
        try {
            CodeContext ctx = sleepy.createCodeContext();
            sleepy.runCode("x = 1", RunCodeOptions.in(ctx));
            sleepy.runCode("y = 2");
            Thread.sleep(TimeUnit.SECONDS.toMillis(5));
            assertThat(sleepy.info().status()).isEqualTo(SandboxStatus.RUNNING);
            assertThat(sleepy.runCode("x", RunCodeOptions.in(ctx)).text()).isEqualTo("1");
            assertThat(sleepy.runCode("'y' in globals()").text()).isEqualTo("True");
        } finally {
            sleepy.destroy();
        }
    }
}
