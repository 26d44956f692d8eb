package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The seed's tutorial "Build an AI code executor": a question becomes Python code (from a
 * {@link CodeGenerator}: a file, an argument or a model), which runs in a sandbox's code
 * interpreter; the answer carries the code, its output and its error.
 *
 * <pre>
 * java -cp "examples/target/classes:examples/target/lib/*" dev.sandboxjobs.examples.AiCodeExecutor \
 *     "What is the 10th Fibonacci number?" --code-file examples/src/main/resources/examples/fibonacci.py
 * </pre>
 *
 * <p>Options: {@code --code <python>}, {@code --code-file <path>}, {@code --anthropic} (asks
 * Anthropic's API, with {@code ANTHROPIC_API_KEY}); with none, a bundled Fibonacci program.
 */
public final class AiCodeExecutor {
    private AiCodeExecutor() {}

    /**
     * What the seed's {@code /execute} endpoint returns.
     *
     * @param question the question asked
     * @param code the generated code
     * @param success whether the code ran without raising
     * @param output what it printed, and the value of its last expression if any
     * @param error its stderr and the error with traceback, empty on success
     */
    public record Answer(String question, String code, boolean success, String output, String error) {}

    public static void main(String[] args) {
        String question = CodeGenerator.positional(args, 0, "What is the 10th Fibonacci number?");
        CodeGenerator generator = CodeGenerator.fromArguments(args, CodeGenerator.fromResource("fibonacci.py"));
        Answer answer;
        try (SandboxEngine engine = SandboxEngine.create()) {
            answer = run(engine, question, generator, System.out);
        }
        System.exit(answer.success() ? 0 : 1);
    }

    /** Generates the code for {@code question}, runs it in a fresh sandbox and returns the answer. */
    public static Answer run(SandboxEngine engine, String question, CodeGenerator generator, PrintStream out) {
        String code = generator.generate(question, "");
        out.println("Question: " + question);
        out.println("Code:\n" + code.strip());
        try (Sandbox sandbox = engine.getSandbox("ai-code-executor-" + System.nanoTime())) {
            try {
                CodeContext context = sandbox.createCodeContext();
                Execution run = sandbox.runCode(code, RunCodeOptions.builder()
                        .context(context)
                        .timeout(Duration.ofSeconds(60))
                        .onStdout(out::print)
                        .build());
                StringBuilder output = new StringBuilder();
                run.logs().stdout().forEach(line -> output.append(line).append('\n'));
                if (run.text() != null) {
                    output.append(run.text()).append('\n');
                    out.println(run.text());
                }
                StringBuilder error = new StringBuilder();
                run.logs().stderr().forEach(line -> error.append(line).append('\n'));
                if (run.error() != null) {
                    error.append(run.error().name()).append(": ").append(run.error().value()).append('\n');
                    run.error().traceback().forEach(line -> error.append(line).append('\n'));
                    out.println("Error: " + run.error().name() + ": " + run.error().value());
                }
                return new Answer(question, code, run.success(), output.toString(), error.toString());
            } finally {
                sandbox.destroy();
            }
        }
    }
}
