package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.setup.SetupReport;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import dev.sandboxjobs.jobs.report.PipelineResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "survey", mixinStandardHelpOptions = true,
        description = {"Runs the testing pipeline on each repository in turn (each a durable run in the data directory's"
                + " database, in the full image unless --image is given) and prints one line per repository: kind, runner,"
                + " counts, time. Repositories are arguments and/or lines of --from FILE (# starts a comment).",
                "Exit codes: 0 every pipeline ran (whatever its tests said), 1 some could not run, 2 bad usage."})
final class SurveyCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Parameters(paramLabel = "REPOSITORY", arity = "0..*", description = "Git URLs or local directories.")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--from", paramLabel = "FILE", description = "A file with one repository per line.")
    Path from;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Run in this image instead of the full one.")
    String image;

    @Option(names = "--timeout", paramLabel = "MINUTES", description = "Limit of each test step in minutes (default: 30).")
    Integer timeoutMinutes;

    @Option(names = "--markdown", description = "Print the table as Markdown.")
    boolean markdown;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(repositories);
        if (from != null) {
            for (String line : Files.readAllLines(from)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    all.add(l);
                }
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("give at least one repository (as arguments or with --from FILE)");
        }
        List<PipelineRequest> runs = new ArrayList<>();
        for (String repository : all) {
            PipelineRequest.Builder request = PipelineRequest.builder(TestCommand.absoluteIfLocal(repository))
                    .image(image != null ? image : PipelineRequest.IMAGE_FULL);
            if (timeoutMinutes != null) {
                request.testTimeout(Duration.ofMinutes(timeoutMinutes));
            }
            runs.add(PipelineRunner.validate(request));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        SetupReport setup = PipelineRunner.setup(options, image == null, progress);
        TestingPipelineWorkflow.Images images = new TestingPipelineWorkflow.Images(setup.image(),
                setup.fullImage() != null ? setup.fullImage() : setup.image());
        List<String[]> rows = new ArrayList<>();
        boolean allRan = true;
        for (PipelineRequest p : runs) {
            Instant start = Instant.now();
            progress.println("== " + p.repository());
            progress.flush();
            String[] row;
            try {
                PipelineRunner.Outcome outcome = PipelineRunner.run(options, images, p,
                        PipelineRunner.defaultReportsDirectory(options, "survey"), progress, false);
                row = row(p.repository(), outcome.result(), Duration.between(start, Instant.now()));
            } catch (SandboxException e) {
                allRan = false;
                row = new String[] {p.repository(), "-", "-", "-", "-", "-", "-", seconds(Duration.between(start, Instant.now())),
                        "not run: " + e.getMessage()};
            }
            rows.add(row);
        }
        print(out, rows);
        out.flush();
        return allRan ? Main.OK : PipelineRunner.TESTS_FAILED;
    }

    static String[] row(String repository, PipelineResult r, Duration wall) {
        boolean counts = r.tests().hasResults();
        String verdict = r.headline();
        if (!r.tests().countMismatches().isEmpty()) {
            verdict += "; count mismatch";
        }
        return new String[] {repository, r.projectType() + (r.tool().isEmpty() ? "" : " (" + r.tool() + ")"),
                r.runner().isEmpty() ? "?" : r.runner(),
                counts ? String.valueOf(r.tests().passed()) : "-",
                counts ? String.valueOf(r.tests().failed() + r.tests().errored()) : "-",
                counts ? String.valueOf(r.tests().skipped()) : "-",
                r.tests().printed() == null ? "" : r.tests().printed().line(), seconds(wall), verdict};
    }

    private void print(PrintWriter out, List<String[]> rows) {
        String[] head = {"REPOSITORY", "KIND", "RUNNER", "PASSED", "FAILED", "SKIPPED", "RUNNER'S TOTALS", "TIME", "RESULT"};
        List<String[]> table = new ArrayList<>();
        table.add(head);
        table.addAll(rows);
        if (markdown) {
            for (int i = 0; i < table.size(); i++) {
                out.println("| " + String.join(" | ", escape(table.get(i))) + " |");
                if (i == 0) {
                    out.println("|" + " --- |".repeat(head.length));
                }
            }
            return;
        }
        int[] width = new int[head.length];
        for (String[] row : table) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.min(60, Math.max(width[c], row[c].length()));
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                String cell = row[c].length() > 60 && c < row.length - 1 ? row[c].substring(0, 59) + "…" : row[c];
                line.append(c == row.length - 1 ? cell : String.format("%-" + width[c] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String[] escape(String[] row) {
        String[] out = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = row[i].replace("|", "\\|");
        }
        return out;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
