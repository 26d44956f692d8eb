package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.setup.DoctorReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Shows the Docker engine and API version in use, the runtime image, the database and the CA certificates.",
                "Changes nothing. Exit code 3 when something needs fixing."})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        SetupProgress progress = options.progress(out);
        DoctorReport report;
        try {
            report = options.builder(progress).build().doctor();
        } finally {
            progress.close();
        }
        out.print(report.render());
        out.flush();
        return report.healthy() ? Main.OK : Main.INFRASTRUCTURE;
    }
}
