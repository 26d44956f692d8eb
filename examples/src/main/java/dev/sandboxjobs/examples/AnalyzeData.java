package dev.sandboxjobs.examples;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.Result;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The seed's tutorial "Analyze data with AI": a CSV file goes into a sandbox, its structure is
 * read with pandas, a {@link CodeGenerator} writes the analysis code for a question, the code runs
 * in the sandbox's code interpreter with pandas and Matplotlib, and the chart comes back as a PNG
 * file on disk.
 *
 * <pre>
 * java -cp "examples/target/classes:examples/target/lib/*" dev.sandboxjobs.examples.AnalyzeData \
 *     "Which region sells most?" --csv examples/src/main/resources/examples/sales.csv \
 *     --code-file examples/src/main/resources/examples/analyze_sales.py --out chart.png
 * </pre>
 *
 * <p>Options: {@code --csv <file>} (default: bundled sales data), {@code --out <png>} (default
 * {@code chart.png}), and {@code --code}, {@code --code-file} or {@code --anthropic} as for
 * {@link AiCodeExecutor}; with none, a bundled analysis of the sales data.
 */
public final class AnalyzeData {
    /** Where the CSV is written in the sandbox. */
    public static final String CSV_PATH = "/workspace/data.csv";
    /** Where the analysis code is asked to save its chart. */
    public static final String CHART_PATH = "/workspace/chart.png";

    private AnalyzeData() {}

    /**
     * @param structure rows and columns of the CSV, as given to the generator
     * @param code the analysis code
     * @param output what the code printed
     * @param chart the PNG written to disk, or null when the code drew no chart
     */
    public record Analysis(String structure, String code, String output, Path chart) {}

    public static void main(String[] args) throws IOException {
        String question = CodeGenerator.positional(args, 0, "Which region has the highest revenue, and how does it change by month?");
        String csvOption = CodeGenerator.option(args, "--csv", null);
        byte[] csv = csvOption != null ? Files.readAllBytes(Path.of(csvOption)) : resource("sales.csv");
        Path out = Path.of(CodeGenerator.option(args, "--out", "chart.png"));
        CodeGenerator generator = CodeGenerator.fromArguments(args, CodeGenerator.fromResource("analyze_sales.py"));
        try (SandboxEngine engine = SandboxEngine.create()) {
            run(engine, csv, question, generator, out, System.out);
        }
    }

    /** Runs the analysis in a fresh sandbox, which is destroyed at the end. */
    public static Analysis run(SandboxEngine engine, byte[] csv, String question, CodeGenerator generator, Path chartFile,
                               PrintStream out) {
        try (Sandbox sandbox = engine.getSandbox("analysis-" + System.nanoTime())) {
            try {
                sandbox.writeFile(CSV_PATH, csv);
                CodeContext context = sandbox.createCodeContext();

                Execution structure = sandbox.runCode("""
                        import pandas as pd
                        df = pd.read_csv('%s')
                        print(f'Rows: {len(df)}')
                        print(f'Columns: {list(df.columns)[:5]}')
                        """.formatted(CSV_PATH), RunCodeOptions.in(context));
                if (!structure.success()) {
                    throw new IllegalArgumentException("The CSV file cannot be read: " + structure.error().value());
                }
                String described = "CSV at " + CSV_PATH + ":\n" + String.join("\n", structure.logs().stdout());
                out.println(described);

                String code = generator.generate(question, described);
                Execution analysis = sandbox.runCode(code, RunCodeOptions.builder()
                        .context(context).timeout(Duration.ofMinutes(2)).build());
                if (!analysis.success()) {
                    throw new IllegalStateException("The analysis failed: " + analysis.error().name() + ": "
                            + analysis.error().value() + "\n" + String.join("\n", analysis.error().traceback()));
                }
                String printed = String.join("\n", analysis.logs().stdout());
                out.println(printed);

                byte[] png = null;
                if (sandbox.exists(CHART_PATH)) {
                    png = sandbox.readFileBytes(CHART_PATH);
                } else {
                    png = analysis.results().stream().filter(r -> r.png() != null).map(Result::pngBytes).findFirst().orElse(null);
                }
                Path written = null;
                if (png != null) {
                    Path parent = chartFile.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Files.write(chartFile, png);
                    written = chartFile;
                    out.println("Chart written to " + chartFile.toAbsolutePath());
                }
                return new Analysis(described, code, printed, written);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                sandbox.destroy();
            }
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = AnalyzeData.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IOException("No example resource " + name);
            }
            return in.readAllBytes();
        }
    }
}
