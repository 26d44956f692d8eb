package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.setup.RuntimeImage;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code sandbox-jobs} command line. Exit codes: 0 success, 1 failing tests ({@code demo},
 * {@code test}, and runs that did not succeed for {@code submit --wait}), 2 bad usage (including an
 * unknown run, schedule, sandbox or workflow, bad parameters or a bad cron), 3 infrastructure fault
 * (Docker, the image, the host, the database). Errors print one line; {@code --verbose} adds the stack trace.
 */
@Command(name = "sandbox-jobs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Durable jobs in disposable Docker sandboxes.",
        subcommands = {SetupCommand.class, DoctorCommand.class, DemoCommand.class, TestCommand.class,
                SubmitCommand.class, RunsCommand.class, ScheduleCommand.class, SandboxesCommand.class,
                WorkerCommand.class, DashboardCommand.class, SurveyCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INFRASTRUCTURE = 3;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(utf8(System.out), utf8(System.err), args));
    }

    /**
     * A writer that always encodes UTF-8: under a POSIX locale (a fresh Debian machine or CI runner
     * with no LANG) Java 17 would encode the console as ASCII and print the progress arrows and
     * ticks, and tools' output passed through by setup, as '?'.
     */
    static PrintWriter utf8(OutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException ? USAGE : INFRASTRUCTURE);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            PrintWriter errors = cl.getErr();
            if (e instanceof SandboxJobsException typed) {
                errors.println("error [" + typed.code() + "]: " + CliMessages.translate(e.getMessage()));
            } else if (e instanceof IllegalArgumentException) {
                errors.println("error: " + e.getMessage());
            } else {
                errors.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            if (main.verbose) {
                e.printStackTrace(errors);
            } else if (!(e instanceof SandboxJobsException) && !(e instanceof IllegalArgumentException)) {
                errors.println("(run again with --verbose for the stack trace)");
            }
            errors.flush();
            return e instanceof IllegalArgumentException
                    || e instanceof SandboxJobsException s && USER_ERRORS.contains(s.code()) ? USAGE : INFRASTRUCTURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Errors that name something the user gave wrong: exit 2, like bad usage. */
    static final Set<Enum<?>> USER_ERRORS = Set.of(
            JobErrorCode.RUN_NOT_FOUND, JobErrorCode.SCHEDULE_NOT_FOUND, JobErrorCode.SCHEDULE_EXISTS,
            JobErrorCode.UNKNOWN_WORKFLOW, JobErrorCode.INVALID_PARAMETERS, JobErrorCode.INVALID_CRON,
            JobErrorCode.INVALID_ARGUMENT, JobErrorCode.ARTIFACT_NOT_FOUND,
            ErrorCode.INVALID_ARGUMENT, ErrorCode.SANDBOX_NOT_FOUND);

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: setup, doctor, demo, test, submit, runs, schedule, sandboxes, worker or dashboard");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sandbox-jobs " + RuntimeImage.version()};
        }
    }
}
