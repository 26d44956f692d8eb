package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class AiCodeExecutorTest {
    @TempDir Path dir;

    @Test
    void theBundledProgramAnswersTheFibonacciQuestionAndABrokenOneReportsItsError() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dir).image(RuntimeImageForTests.image()).build()) {
            AiCodeExecutor.Answer answer = AiCodeExecutor.run(engine, "What is the 10th Fibonacci number?",
                    CodeGenerator.fromResource("fibonacci.py"), out);

            assertThat(answer.success()).isTrue();
            assertThat(answer.output()).isEqualTo("55\n");
            assertThat(answer.code()).contains("def fibonacci");
            assertThat(answer.error()).isEmpty();

            AiCodeExecutor.Answer broken = AiCodeExecutor.run(engine, "Divide by zero",
                    CodeGenerator.of("print('before')\n1 / 0"), out);
            assertThat(broken.success()).isFalse();
            assertThat(broken.output()).isEqualTo("before\n");
            assertThat(broken.error()).contains("ZeroDivisionError");
            assertThat(engine.listSandboxes()).isEmpty();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Question: What is the 10th Fibonacci number?").contains("55");
    }

    @Test
    void theCodeComesFromTheArgumentsWhenGiven() {
        CodeGenerator inline = CodeGenerator.fromArguments(new String[] {"q", "--code", "print(1)"}, CodeGenerator.of("x"));
        CodeGenerator fallback = CodeGenerator.fromArguments(new String[] {"q"}, CodeGenerator.of("x"));

        assertThat(inline.generate("q", "")).isEqualTo("print(1)");
        assertThat(fallback.generate("q", "")).isEqualTo("x");
        assertThat(CodeGenerator.positional(new String[] {"--code", "print(1)", "the question"}, 0, null)).isEqualTo("the question");
        assertThat(AnthropicCodeGenerator.stripFences("```python\nprint(2)\n```")).isEqualTo("print(2)\n");
    }
}
