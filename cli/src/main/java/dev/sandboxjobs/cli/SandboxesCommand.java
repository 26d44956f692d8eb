package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.StreamType;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sandboxes", mixinStandardHelpOptions = true,
        description = "The sandboxes of the database: list them, run a command in one, destroy one, reap orphans.",
        subcommands = {SandboxesCommand.ListSandboxes.class, SandboxesCommand.Exec.class,
                SandboxesCommand.Destroy.class, SandboxesCommand.Gc.class})
final class SandboxesCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing command: list, exec, destroy or gc");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the sandboxes, oldest first.")
    static final class ListSandboxes implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (SandboxEngine e = engine.open()) {
                List<SandboxInfo> all = e.listSandboxes();
                if (all.isEmpty()) {
                    out.println("No sandboxes.");
                    return Main.OK;
                }
                out.println(String.format(Locale.ROOT, "%-53s %-9s %-19s %-19s %s", "ID", "STATUS", "CREATED",
                        "LAST ACTIVITY", "IMAGE"));
                for (SandboxInfo s : all) {
                    out.println(String.format(Locale.ROOT, "%-53s %-9s %-19s %-19s %s", s.id(),
                            s.status().name().toLowerCase(Locale.ROOT), Output.time(s.createdAt()),
                            Output.time(s.lastActivityAt()), s.image()));
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Runs a command in an existing sandbox, printing its output as it comes, and exits with"
                    + " its exit code. One argument is a shell line (`-- 'ls | wc -l'`); several are a program and"
                    + " its arguments, run without a shell (`-- ls -la /workspace`)."})
    static final class Exec implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "SANDBOX_ID")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
        List<String> command;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (SandboxEngine e = engine.open()) {
                Sandbox sandbox = e.findSandbox(id).orElseThrow(() -> new SandboxException(ErrorCode.SANDBOX_NOT_FOUND,
                        "No sandbox has id " + id + "; list them with `sandbox-jobs sandboxes list`."));
                ExecOptions options = ExecOptions.builder().onOutput((stream, data) -> {
                    PrintWriter w = stream == StreamType.STDERR ? err : out;
                    synchronized (w) {
                        w.print(data);
                        w.flush();
                    }
                }).build();
                ExecResult r = command.size() == 1 ? sandbox.exec(command.get(0), options)
                        : sandbox.exec(command, options);
                return r.exitCode();
            }
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Destroys a sandbox: its container, files and record.")
    static final class Destroy implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "SANDBOX_ID")
        String id;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (SandboxEngine e = engine.open()) {
                if (!e.destroySandbox(id)) {
                    throw new SandboxException(ErrorCode.SANDBOX_NOT_FOUND, "No sandbox has id " + id
                            + "; list them with `sandbox-jobs sandboxes list`.");
                }
                spec.commandLine().getOut().println("Destroyed sandbox " + id + ".");
            }
            return Main.OK;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = "Removes orphans: containers labelled with this database's engine that belong to no"
                    + " sandbox of it (left by a crash), and per-run sandboxes whose run is over or unknown."
                    + " A running worker also does this every minute.")
    static final class Gc implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (SandboxEngine e = engine.open()) {
                // Opening the engine already reaped orphan containers once; this counts what is left now.
                int containers = e.reapOrphans();
                int sandboxes = 0;
                var jobs = e.jobsClient();
                for (SandboxInfo s : e.listSandboxes()) {
                    String runId = s.labels().get(SandboxEngine.RUN_LABEL);
                    if (runId == null) {
                        continue;
                    }
                    boolean over;
                    try {
                        over = jobs.get(runId).state().isFinished();
                    } catch (SandboxException ex) {
                        if (ex.code() != ErrorCode.RUN_NOT_FOUND) {
                            throw ex;
                        }
                        over = true;
                    }
                    if (over && e.destroySandbox(s.id())) {
                        spec.commandLine().getOut().println("Destroyed " + s.id() + " (run " + runId + " is over).");
                        sandboxes++;
                    }
                }
                spec.commandLine().getOut().println("Reaped orphan containers (" + containers + " left after start-up);"
                        + " destroyed " + sandboxes + " sandbox" + (sandboxes == 1 ? "" : "es") + " of runs that are over.");
            }
            return Main.OK;
        }
    }
}
