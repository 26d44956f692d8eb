package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.SandboxProvider;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sandboxes", mixinStandardHelpOptions = true,
        description = "The sandboxes of the database: list them, make one, run a command in one, destroy one, reap orphans.",
        subcommands = {SandboxesCommand.ListSandboxes.class, SandboxesCommand.Create.class, SandboxesCommand.Exec.class,
                SandboxesCommand.Destroy.class, SandboxesCommand.Gc.class})
final class SandboxesCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing command: list, create, exec, destroy or gc");
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

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Makes a sandbox with this id (a container from the image, kept until destroyed or idle for"
                    + " the engine's sleep time, when it stops and wakes on the next use). Then run commands in it with"
                    + " `sandbox-jobs sandboxes exec ID -- COMMAND`.", "Exit code 2 when a sandbox with this id exists."})
    static final class Create implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "SANDBOX_ID")
        String id;

        @Option(names = "--image", paramLabel = "IMAGE", description = "The image (default: the runtime image, sandbox-jobs/runtime).")
        String image;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 512m or 2g (default: the engine's).")
        String memory;

        @Option(names = "--cpus", paramLabel = "N", description = "CPU limit, e.g. 1.5 (default: the engine's).")
        Double cpus;

        @Option(names = "--network", paramLabel = "MODE", description = "bridge (outbound network) or none (default: bridge).")
        String network;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable; repeatable.")
        List<String> env = new java.util.ArrayList<>();

        @Option(names = "--label", paramLabel = "NAME=VALUE", description = "A label to find it by; repeatable.")
        List<String> labels = new java.util.ArrayList<>();

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SandboxOptions.Builder options = SandboxOptions.builder().image(image)
                    .env(Output.pairs("--env", env)).labels(Output.pairs("--label", labels));
            if (memory != null) {
                options.memoryBytes(Output.parseSize("--memory", memory));
            }
            if (cpus != null) {
                options.cpus(cpus);
            }
            if (network != null) {
                try {
                    options.network(NetworkMode.valueOf(network.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--network takes bridge or none, got \"" + network + "\"");
                }
            }
            SandboxOptions built = options.build();
            PrintWriter out = spec.commandLine().getOut();
            try (SandboxEngine e = engine.open()) {
                if (e.findSandbox(id).isPresent()) {
                    throw new IllegalArgumentException("A sandbox with id " + id + " exists already; use it with"
                            + " `sandbox-jobs sandboxes exec " + id + " -- COMMAND`, or destroy it first.");
                }
                Sandbox sandbox = e.getSandbox(id, built);
                SandboxInfo info = sandbox.info();
                out.println("Created sandbox " + info.id() + " (" + info.image() + ", "
                        + info.status().name().toLowerCase(Locale.ROOT) + ").");
                out.println("Run a command in it: sandbox-jobs sandboxes exec " + info.id() + " -- 'echo hello'");
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
            try (SandboxEngine e = engine.open(); JobEngine jobEngine = EngineOptions.jobs(e)) {
                // Opening the engine already reaped orphan containers once; this counts what is left now.
                int containers = e.reapOrphans();
                // the job engine's own reaper, as a worker runs it every minute
                List<SandboxProvider.LiveSandbox> destroyed = jobEngine.reapSandboxes();
                for (SandboxProvider.LiveSandbox s : destroyed) {
                    spec.commandLine().getOut().println("Destroyed " + s.sandboxId() + " (run " + s.runId() + " is over).");
                }
                int sandboxes = destroyed.size();
                spec.commandLine().getOut().println("Reaped orphan containers (" + containers + " left after start-up);"
                        + " destroyed " + sandboxes + " sandbox" + (sandboxes == 1 ? "" : "es") + " of runs that are over.");
            }
            return Main.OK;
        }
    }
}
