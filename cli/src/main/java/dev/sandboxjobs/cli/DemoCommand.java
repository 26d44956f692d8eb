package dev.sandboxjobs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sets everything up (like setup), then runs the main job in a sandbox and prints its report.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    SetupOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var report = options.builder(out).build().run();
        out.print(report.render());
        out.println("TODO: run the demo job in a sandbox on " + report.imageAlias() + " (wired after the sandbox SDK lands)");
        out.flush();
        return Main.OK;
    }
}
