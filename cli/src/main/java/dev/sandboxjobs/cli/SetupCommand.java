package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.SetupReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Finds (or, as root on Debian/Ubuntu, installs and starts) Docker and builds the runtime image when its inputs changed.",
                "Idempotent: a second run with the same inputs takes seconds."})
final class SetupCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Option(names = "--rebuild", description = "Rebuild the runtime image from scratch even when it is up to date.")
    boolean rebuild;

    @Option(names = "--full", description = "Also build the full image (sandbox-jobs/runtime-full): the runtime image plus Go, JDK 17 + Maven, Rust and pytest, for the testing pipeline.")
    boolean full;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        SetupProgress progress = options.progress(out);
        SetupReport report;
        try {
            report = options.builder(progress).rebuild(rebuild).full(full).build().run();
        } finally {
            progress.close();
        }
        out.println();
        out.print(report.render());
        if (progress.logFile() != null) {
            out.println("Full output of setup: " + progress.logFile());
        }
        out.flush();
        return Main.OK;
    }
}
