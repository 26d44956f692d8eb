package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CodeLanguage;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TypeScript code contexts, with no network: the compiler is baked into the runtime image. */
@RequiresDocker
class SandboxTypeScriptTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
        sandbox = engine.getSandbox("typescript", SandboxOptions.builder().keepAlive(true).network(NetworkMode.NONE).build());
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

    @Test
    void typedCodeRunsAndItsStatePersistsInTheContext() {
        CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.TYPESCRIPT));
        sandbox.runCode("interface Point { x: number; y: number }\nconst origin: Point = { x: 3, y: 4 };", RunCodeOptions.in(ctx));

        Execution run = sandbox.runCode("const norm = (p: Point): number => Math.hypot(p.x, p.y);\nnorm(origin)",
                RunCodeOptions.in(ctx));

        assertThat(ctx.language()).isEqualTo(CodeLanguage.TYPESCRIPT);
        assertThat(run.error()).isNull();
        assertThat(run.text()).isEqualTo("5");
        assertThat(run.executionCount()).isEqualTo(2);
    }

    @Test
    void enumsGenericsImportsAndConsoleOutputWork() {
        Execution run = sandbox.runCode("""
                import * as path from "path";
                enum Level { Low, High }
                function first<T>(items: T[]): T { return items[0]; }
                console.log(path.basename("/a/b/report.ts"));
                ({ level: Level[Level.High], first: first<string>(["x", "y"]) })
                """, RunCodeOptions.of(CodeLanguage.TYPESCRIPT));

        assertThat(run.error()).isNull();
        assertThat(run.logs().stdout()).containsExactly("report.ts");
        assertThat(run.results().get(0).json()).contains("\"level\":\"High\"").contains("\"first\":\"x\"");
    }

    @Test
    void aSyntaxErrorNamesTheLineAndColumnAndTheContextGoesOn() {
        CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.TYPESCRIPT));

        Execution bad = sandbox.runCode("const ok = 1;\nlet broken: = 3;", RunCodeOptions.in(ctx));
        Execution good = sandbox.runCode("const n: number = 2; n * 21", RunCodeOptions.in(ctx));

        assertThat(bad.error().name()).isEqualTo("SyntaxError");
        assertThat(bad.error().value()).contains("Type expected");
        assertThat(String.join("\n", bad.error().traceback())).contains("cell-1.ts:2:");
        assertThat(good.text()).isEqualTo("42");
    }

    @Test
    void typesAreRemovedNotChecked() {
        Execution run = sandbox.runCode("const s: number = 'not a number' as any; typeof s", RunCodeOptions.of(CodeLanguage.TYPESCRIPT));

        assertThat(run.text()).isEqualTo("'string'");
    }

    @Test
    void theLanguageParsesFromItsSeedName() {
        assertThat(CodeLanguage.of("typescript")).isEqualTo(CodeLanguage.TYPESCRIPT);
        assertThat(CodeLanguage.of("TS")).isEqualTo(CodeLanguage.TYPESCRIPT);
        assertThat(CodeLanguage.TYPESCRIPT.id()).isEqualTo("typescript");
    }
}
