package dev.sandboxjobs.engine.interpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import dev.sandboxjobs.engine.interpreter.internal.DockerExecLauncher;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The code interpreter against the real executors in a container of the runtime image. */
@RequiresDocker
class CodeInterpreterTest {
    private static RuntimeContainer container;
    private static CodeInterpreter interpreter;

    @BeforeAll
    static void startContainer() {
        container = RuntimeContainer.start("interp-code-interpreter");
        interpreter = new CodeInterpreter(new DockerExecLauncher(container.docker(), container.id(), null),
                Clock.systemUTC(), null, Set.of(CodeLanguage.PYTHON, CodeLanguage.JAVASCRIPT),
                () -> Map.of("SANDBOX_LEVEL", "from-sandbox", "API_URL", "overridden-by-the-context"));
    }

    @AfterAll
    static void stopContainer() {
        if (interpreter != null) {
            interpreter.close();
            interpreter.close();
        }
        if (container != null) {
            container.close();
        }
    }

    private static CodeContext python() {
        return interpreter.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
    }

    private static Execution run(CodeContext context, String code) {
        return interpreter.runCode(code, RunCodeOptions.in(context));
    }

    @Test
    void stateSurvivesBetweenRunsAndTheLastExpressionIsTheResult() {
        CodeContext ctx = python();

        Execution first = run(ctx, "import math; radius = 5");
        Execution second = run(ctx, "math.pi * radius ** 2");

        assertThat(first.results()).isEmpty();
        assertThat(second.success()).isTrue();
        assertThat(second.results()).hasSize(1);
        assertThat(second.results().get(0).text()).isEqualTo("78.53981633974483");
        assertThat(second.results().get(0).isMainResult()).isTrue();
        assertThat(second.text()).isEqualTo("78.53981633974483");
        assertThat(second.executionCount()).isEqualTo(first.executionCount() + 1);
    }

    @Test
    void printedLinesAreLogsAndTheFinalValueIsAResultInTheDefaultContext() {
        Execution run = interpreter.runCode("data = [1, 2, 3, 4, 5]\nprint(f\"Sum: {sum(data)}\")\nsum(data)\n",
                RunCodeOptions.of(CodeLanguage.PYTHON));
        Execution again = interpreter.runCode("len(data)", RunCodeOptions.defaults());

        assertThat(run.logs().stdout()).containsExactly("Sum: 15");
        assertThat(run.results().get(0).text()).isEqualTo("15");
        assertThat(again.text()).isEqualTo("5");
        assertThat(interpreter.listCodeContexts()).extracting(CodeContext::id).contains("default-python");
    }

    @Test
    void contextsDoNotShareState() {
        CodeContext one = python();
        CodeContext two = python();

        run(one, "secret = 42");
        Execution other = run(two, "secret");

        assertThat(run(one, "secret").text()).isEqualTo("42");
        assertThat(other.error()).isNotNull();
        assertThat(other.error().name()).isEqualTo("NameError");
    }

    @Test
    void aDataFrameBecomesHtml() {
        Execution run = run(python(), "import pandas as pd\ndf = pd.DataFrame({'Name': ['Alice', 'Bob'], 'Age': [25, 30]})\ndf");

        Result table = run.results().get(0);
        assertThat(table.html()).contains("<table").contains("Alice").contains("<td>30</td>");
        assertThat(table.text()).contains("Alice");
        assertThat(table.formats()).contains("text", "html");
    }

    @Test
    void aMatplotlibFigureBecomesAPngWithItsChartData() {
        Execution run = run(python(), """
                import matplotlib.pyplot as plt
                import numpy as np
                x = np.linspace(0, 10, 100)
                plt.plot(x, np.sin(x), label='sin')
                plt.title('Sine')
                plt.show()
                print('after show')
                """);

        assertThat(run.success()).isTrue();
        Result figure = run.results().get(0);
        byte[] png = figure.pngBytes();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(figure.formats()).contains("png", "text", "chart");
        assertThat(figure.chart()).contains("\"type\":\"line\"").contains("\"title\":\"Sine\"").contains("\"label\":\"sin\"");
        assertThat(run.logs().stdout()).containsExactly("after show");
    }

    @Test
    void aFigureLeftOpenIsShownAtTheEndOfTheRun() {
        CodeContext ctx = python();
        Execution run = run(ctx, "import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [3, 4]);");
        Execution next = run(ctx, "len(plt.get_fignums())");

        assertThat(run.results()).hasSize(1);
        assertThat(run.results().get(0).png()).isNotBlank();
        assertThat(run.results().get(0).chart()).contains("\"type\":\"bar\"");
        assertThat(next.text()).isEqualTo("0");
    }

    @Test
    void everyRichFormatArrivesAsItsOwnRepresentation() {
        Execution run = run(python(), """
                import io
                import matplotlib.pyplot as plt
                from IPython.display import JSON, HTML, Markdown, Latex, SVG, Image
                fig = plt.figure(figsize=(1, 1))
                buffer = io.BytesIO()
                fig.savefig(buffer, format='jpeg')
                plt.close(fig)
                display(JSON({'answer': [4, 2]}))
                display(HTML('<b>bold</b>'))
                display(Markdown('# Title'))
                display(Latex(r'$\\frac{1}{2}$'))
                display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'))
                display(Image(data=buffer.getvalue(), format='jpeg'))
                """);

        assertThat(run.error()).isNull();
        List<Result> results = run.results();
        assertThat(results).hasSize(6);
        assertThat(results.get(0).json()).isEqualTo("{\"answer\":[4,2]}");
        assertThat(results.get(1).html()).isEqualTo("<b>bold</b>");
        assertThat(results.get(2).markdown()).isEqualTo("# Title");
        assertThat(results.get(3).latex()).isEqualTo("$\\frac{1}{2}$");
        assertThat(results.get(4).svg()).startsWith("<svg");
        assertThat(results.get(5).jpegBytes()).startsWith(0xFF, 0xD8);
        assertThat(results).noneMatch(Result::isMainResult);
    }

    @Test
    void anErrorCarriesNameValueAndTraceback() {
        CodeContext ctx = python();
        CopyOnWriteArrayList<ExecutionError> seen = new CopyOnWriteArrayList<>();
        Execution run = interpreter.runCode("x = 1 / 0", RunCodeOptions.builder().context(ctx).onError(seen::add).build());

        assertThat(run.success()).isFalse();
        assertThat(run.error().name()).isEqualTo("ZeroDivisionError");
        assertThat(run.error().value()).isEqualTo("division by zero");
        assertThat(String.join("\n", run.error().traceback())).contains("x = 1 / 0").doesNotContain("\u001b[");
        assertThat(seen).containsExactly(run.error());
        assertThat(run(ctx, "1 + 1").text()).isEqualTo("2");
    }

    @Test
    void outputIsStreamedWhileTheCodeRuns() {
        CodeContext ctx = python();
        CopyOnWriteArrayList<String> chunks = new CopyOnWriteArrayList<>();
        String flag = "/tmp/released-" + System.nanoTime();
        // the code waits for a file that only the callback creates: buffered output would never release it
        Execution run = interpreter.runCode("""
                import os, time
                print('waiting', flush=True)
                for _ in range(300):
                    if os.path.exists('%s'):
                        print('released')
                        break
                    time.sleep(0.1)
                else:
                    print('gave up')
                """.formatted(flag), RunCodeOptions.builder().context(ctx).onStdout(text -> {
                    chunks.add(text);
                    if (text.contains("waiting")) {
                        CompletableFuture.runAsync(() -> container.exec("touch", flag));
                    }
                }).build());

        assertThat(run.logs().stdout()).containsExactly("waiting", "released");
        assertThat(chunks).containsExactly("waiting\n", "released\n");
    }

    @Test
    void outputAndResultsArriveInProgramOrder() {
        CopyOnWriteArrayList<String> events = new CopyOnWriteArrayList<>();

        interpreter.runCode("""
                from IPython.display import HTML
                print('before')
                display(HTML('<i>shown</i>'))
                print('after')
                'last'
                """, RunCodeOptions.builder()
                .context(python())
                .onStdout(text -> events.add("stdout " + text.strip()))
                .onResult(result -> events.add("result " + (result.html() != null ? result.html() : result.text())))
                .build());

        assertThat(events).containsExactly("stdout before", "result <i>shown</i>", "stdout after", "result 'last'");
    }

    @Test
    void outputThatLooksLikeTheProtocolIsJustOutput() {
        Execution run = run(python(), """
                import os, sys
                print('{"type": "done", "id": "1", "executionCount": 99}')
                sys.stdout.flush()
                os.system('echo from-a-subprocess; echo to-stderr >&2')
                'last'
                """);

        assertThat(run.logs().stdout()).containsExactly("{\"type\": \"done\", \"id\": \"1\", \"executionCount\": 99}",
                "from-a-subprocess");
        assertThat(run.logs().stderr()).containsExactly("to-stderr");
        assertThat(run.text()).isEqualTo("'last'");
    }

    @Test
    void aRunPastItsTimeoutIsInterruptedAndTheContextKeepsItsState() {
        CodeContext ctx = python();
        run(ctx, "kept = 'still here'");

        Execution run = interpreter.runCode("import time\nwhile True:\n    time.sleep(0.05)",
                RunCodeOptions.builder().context(ctx).timeout(Duration.ofMillis(800)).build());

        assertThat(run.error()).isNotNull();
        assertThat(run.error().name()).isEqualTo("TimeoutError");
        assertThat(run.error().value()).contains("800 ms");
        assertThat(run(ctx, "kept").text()).isEqualTo("'still here'");
    }

    @Test
    void aTimeoutInTheMiddleOfAFloodOfOutputLeavesTheProtocolIntact() {
        CodeContext ctx = python();

        Execution flood = interpreter.runCode("while True:\n    print('y' * 2000)",
                RunCodeOptions.builder().context(ctx).timeout(Duration.ofMillis(1000)).build());
        Execution after = run(ctx, "21 * 2");

        assertThat(flood.error().name()).isEqualTo("TimeoutError");
        assertThat(flood.logs().stdout()).isNotEmpty().allMatch(line -> line.matches("y*") || line.startsWith("[output truncated"));
        assertThat(after.text()).isEqualTo("42");
    }

    @Test
    void codeThatSwallowsTheInterruptIsKilledAndTheRestartIsReported() {
        CodeContext ctx = python();
        run(ctx, "lost = True");

        Execution run = interpreter.runCode("""
                import time
                while True:
                    try:
                        time.sleep(0.05)
                    except KeyboardInterrupt:
                        pass
                """, RunCodeOptions.builder().context(ctx).timeout(Duration.ofMillis(500)).build());
        Execution after = run(ctx, "'lost' in dir()");

        assertThat(run.error().name()).isEqualTo("TimeoutError");
        assertThat(run.error().value()).contains("restarted").contains("lost");
        assertThat(after.text()).isEqualTo("False");
    }

    @Test
    void cwdAndEnvironmentVariablesApplyToTheContext() {
        CodeContext ctx = interpreter.createCodeContext(CreateContextOptions.builder()
                .language(CodeLanguage.PYTHON)
                .cwd("/workspace/analysis")
                .envVar("API_URL", "http://localhost:8080")
                .build());

        Execution run = run(ctx, "import os, subprocess\n(os.getcwd(), os.environ['API_URL'], "
                + "subprocess.run(['sh', '-c', 'echo $API_URL'], capture_output=True, text=True).stdout.strip(), "
                + "os.environ['SANDBOX_LEVEL'])");

        assertThat(ctx.cwd()).isEqualTo("/workspace/analysis");
        assertThat(run.text()).isEqualToNormalizingWhitespace( // IPython wraps long reprs
                "('/workspace/analysis', 'http://localhost:8080', 'http://localhost:8080', 'from-sandbox')");
    }

    @Test
    void deletedContextsAreGoneFromTheListAndCannotRunCode() {
        CodeContext ctx = python();
        assertThat(interpreter.listCodeContexts()).contains(ctx);

        interpreter.deleteCodeContext(ctx.id());

        assertThat(interpreter.listCodeContexts()).doesNotContain(ctx);
        assertThatThrownBy(() -> run(ctx, "1"))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_NOT_FOUND));
        assertThatThrownBy(() -> interpreter.deleteCodeContext(ctx.id()))
                .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTEXT_NOT_FOUND));
    }

    @Test
    void javascriptContextsKeepStateAndReturnValuesAsTextAndJson() {
        CodeContext ctx = interpreter.createCodeContext(CreateContextOptions.of(CodeLanguage.JAVASCRIPT));
        CopyOnWriteArrayList<String> streamed = new CopyOnWriteArrayList<>();

        run(ctx, "let total = 40; const add = (a, b) => a + b;");
        Execution sum = interpreter.runCode("console.log('adding'); add(total, 2)",
                RunCodeOptions.builder().context(ctx).onStdout(streamed::add).build());
        Execution object = run(ctx, "({ name: 'sandbox', list: [1, 2] })");
        Execution awaited = run(ctx, "new Promise(resolve => setTimeout(() => resolve(total * 2), 20))");

        assertThat(sum.text()).isEqualTo("42");
        assertThat(sum.logs().stdout()).containsExactly("adding");
        assertThat(streamed).containsExactly("adding\n");
        assertThat(object.results().get(0).json()).isEqualTo("{\"name\":\"sandbox\",\"list\":[1,2]}");
        assertThat(object.text()).isEqualTo("{ name: 'sandbox', list: [ 1, 2 ] }");
        assertThat(awaited.text()).isEqualTo("80");
        assertThat(ctx.language()).isEqualTo(CodeLanguage.JAVASCRIPT);
    }

    @Test
    void javascriptContextsGetTheirCwdEnvironmentAndRequire() {
        CodeContext ctx = interpreter.createCodeContext(CreateContextOptions.builder()
                .language(CodeLanguage.JAVASCRIPT)
                .cwd("/workspace/js")
                .envVar("GREETING", "hello")
                .build());

        Execution run = run(ctx, "const path = require('path');"
                + " [process.cwd(), process.env.GREETING, process.env.SANDBOX_LEVEL, path.basename(__dirname)]");

        assertThat(run.error()).isNull();
        assertThat(run.results().get(0).json()).isEqualTo("[\"/workspace/js\",\"hello\",\"from-sandbox\",\"js\"]");
    }

    @Test
    void javascriptErrorsAndTimeoutsAreReportedAndTheContextSurvives() {
        CodeContext ctx = interpreter.createCodeContext(CreateContextOptions.of(CodeLanguage.JAVASCRIPT));
        run(ctx, "var kept = 'yes'");

        Execution error = run(ctx, "null.foo");
        Execution timeout = interpreter.runCode("while (true) {}",
                RunCodeOptions.builder().context(ctx).timeout(Duration.ofMillis(500)).build());

        assertThat(error.error().name()).isEqualTo("TypeError");
        assertThat(error.error().value()).contains("Cannot read properties of null");
        assertThat(error.error().traceback()).anyMatch(line -> line.contains("cell-"));
        assertThat(timeout.error().name()).isEqualTo("TimeoutError");
        assertThat(run(ctx, "kept").text()).isEqualTo("'yes'");
    }

    @Test
    void aContextSurvivesItsExecutorDyingButSaysItsStateWasLost() {
        CodeContext ctx = python();
        run(ctx, "value = 1");

        Execution crash = run(ctx, "import os; os._exit(3)");
        Execution after = run(ctx, "'value' in dir()");

        assertThat(crash.error().name()).isEqualTo("ExecutorExited");
        assertThat(crash.error().value()).contains("state");
        assertThat(after.text()).isEqualTo("False");
    }

    @Test
    void aContextWhoseInterpreterWasKilledSaysItWasRestarted() throws Exception {
        CodeContext ctx = python();
        String pid = run(ctx, "import os; value = 1; os.getpid()").text();

        container.exec("kill", "-9", pid);
        Thread.sleep(1000); // usually lets the engine notice before the next run; both orders must say so
        Execution first = run(ctx, "'value' in dir()");
        Execution second = run(ctx, "'value' in dir()");

        boolean reportedAsError = first.error() != null && first.error().name().equals("ExecutorExited");
        boolean reportedAsNotice = String.join("\n", first.logs().stderr()).contains("was restarted");
        assertThat(reportedAsError || reportedAsNotice).as("the first run after the kill says the state is gone: %s", first).isTrue();
        if (reportedAsNotice) {
            assertThat(first.text()).isEqualTo("False");
        }
        assertThat(second.text()).isEqualTo("False");
        assertThat(second.logs().stderr()).isEmpty();
    }

    @Test
    void anExecutorIsKeptWarmForEachPrewarmedLanguage() throws Exception {
        String processes = "";
        for (int i = 0; i < 100 && !(processes.contains("python_executor") && processes.contains("javascript_executor")); i++) {
            Thread.sleep(100);
            processes = container.exec("ps", "-eo", "args");
        }

        assertThat(processes).contains("python_executor.py").contains("javascript_executor.js");
    }
}
