package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The seed's code-interpreter guide with JavaScript and TypeScript: state kept across runs in a
 * context, console output as logs, objects back as JSON, errors as data, and typed code.
 */
public final class JavaScriptInterpreter {
    private JavaScriptInterpreter() {}

    public static void main(String[] args) {
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, System.out);
        }
    }

    /** Runs the example; returns the main results' text of the JavaScript and TypeScript runs. */
    public static List<String> run(SandboxEngine engine, PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("javascript-interpreter")) {
            try {
                CodeContext js = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.JAVASCRIPT));
                sandbox.runCode("const orders = [{id: 1, total: 30}, {id: 2, total: 12.5}];", RunCodeOptions.in(js));
                Execution summary = sandbox.runCode("""
                        console.log(`${orders.length} orders`);
                        ({count: orders.length, revenue: orders.reduce((sum, o) => sum + o.total, 0)})
                        """, RunCodeOptions.in(js));
                out.println("logs: " + summary.logs().stdout());
                out.println("result as JSON: " + summary.results().get(0).json());

                Execution failed = sandbox.runCode("orders.missing.total", RunCodeOptions.in(js));
                out.println("error: " + failed.error().name() + ": " + failed.error().value());

                CodeContext ts = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.TYPESCRIPT));
                Execution typed = sandbox.runCode("""
                        interface Order { id: number; total: number }
                        const big = (o: Order): boolean => o.total > 20;
                        [{ id: 1, total: 30 }, { id: 2, total: 12.5 }].filter(big).map((o: Order) => o.id)
                        """, RunCodeOptions.in(ts));
                out.println("TypeScript says: " + typed.text());
                out.println("contexts: " + sandbox.listCodeContexts().stream().map(c -> c.language().id()).toList());
                return Arrays.asList(summary.text(), typed.text());
            } finally {
                sandbox.destroy();
            }
        }
    }
}
