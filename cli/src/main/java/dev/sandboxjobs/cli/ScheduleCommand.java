package dev.sandboxjobs.cli;

import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.MisfirePolicy;
import dev.sandboxjobs.engine.workflow.Schedule;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Cron schedules, stored in the database and fired by `sandbox-jobs worker`.",
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Pause.class,
                ScheduleCommand.Resume.class, ScheduleCommand.Remove.class})
final class ScheduleCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing command: add, list, pause, resume or rm");
    }

    static String line(Schedule s) {
        return String.format(Locale.ROOT, "%-20s %-16s %-22s %-7s %-19s %s", s.id(), s.workflow(), s.cron(),
                s.paused() ? "paused" : "active", Output.time(s.nextFireTime()), s.misfirePolicy().name()
                        .toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    static String header() {
        return String.format(Locale.ROOT, "%-20s %-16s %-22s %-7s %-19s %s", "NAME", "WORKFLOW", "CRON", "STATE",
                "NEXT", "MISFIRE");
    }

    /** A client on the database alone (no Docker), knowing the built-in workflows. */
    private static JobsClient client(EngineOptions engine) {
        JobsClient jobs = engine.openClient();
        BuiltInWorkflows.registerAll(jobs);
        return jobs;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a schedule NAME that submits a run of WORKFLOW at every fire of a Quartz cron"
                    + " expression with seconds, e.g. '0 0 2 * * ?' (02:00 every day) or '*/10 * * * * ?'.")
    static final class Add implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "WORKFLOW")
        String workflow;

        @Option(names = "--cron", required = true, paramLabel = "EXPR", description = "Quartz cron (with seconds).")
        String cron;

        @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A parameter of each run; repeatable.")
        List<String> params = new ArrayList<>();

        @Option(names = "--label", paramLabel = "NAME=VALUE", description = "A label of each run; repeatable.")
        List<String> labels = new ArrayList<>();

        @Option(names = "--image", paramLabel = "IMAGE", description = "Run the workflow's sandbox from this image.")
        String image;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "Time zone of the cron (default: UTC).")
        String timeZone;

        @Option(names = "--misfire", paramLabel = "POLICY", defaultValue = "fire-once-now",
                description = "When fire times were missed while no worker ran: fire-once-now (default), skip,"
                        + " fire-all.")
        String misfire;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            MisfirePolicy policy = switch (misfire.toLowerCase(Locale.ROOT)) {
                case "fire-once-now" -> MisfirePolicy.FIRE_ONCE_NOW;
                case "skip" -> MisfirePolicy.SKIP;
                case "fire-all", "fire-all-missed" -> MisfirePolicy.FIRE_ALL_MISSED;
                default -> throw new IllegalArgumentException("--misfire takes fire-once-now, skip or fire-all, got \""
                        + misfire + "\"");
            };
            ScheduleRequest request = ScheduleRequest.cron(name, cron,
                    SubmitCommand.request(workflow, params, labels, image).build()).withMisfirePolicy(policy);
            if (timeZone != null) {
                try {
                    request = request.withTimeZone(ZoneId.of(timeZone));
                } catch (DateTimeException ex) {
                    throw new IllegalArgumentException("--time-zone: unknown zone " + timeZone);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            try (JobsClient jobs = client(engine)) {
                Schedule s = jobs.schedule(request);
                out.println("Added schedule " + s.id() + " (" + s.workflow() + ", " + s.cron() + "); next fire "
                        + Output.time(s.nextFireTime()) + ".");
                if (!engine.workerRuns()) {
                    spec.commandLine().getErr().println("note: no worker runs on " + engine.database()
                            + "; schedules fire only while `sandbox-jobs worker` runs.");
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the schedules.")
    static final class ListSchedules implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Option(names = "--json", description = "Print the schedules as a JSON array.")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (JobsClient jobs = client(engine)) {
                List<Schedule> all = jobs.schedules();
                if (json) {
                    out.println(Output.json(all));
                } else if (all.isEmpty()) {
                    out.println("No schedules.");
                } else {
                    out.println(header());
                    all.forEach(s -> out.println(line(s)));
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a schedule (it stops firing).")
    static final class Pause implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (JobsClient jobs = client(engine)) {
                Schedule s = jobs.pauseSchedule(name);
                spec.commandLine().getOut().println("Paused schedule " + s.id() + ".");
            }
            return Main.OK;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused schedule.")
    static final class Resume implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (JobsClient jobs = client(engine)) {
                Schedule s = jobs.resumeSchedule(name);
                spec.commandLine().getOut().println("Resumed schedule " + s.id() + "; next fire "
                        + Output.time(s.nextFireTime()) + ".");
            }
            return Main.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Deletes a schedule (its past runs stay).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        EngineOptions engine;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (JobsClient jobs = client(engine)) {
                if (!jobs.deleteSchedule(name)) {
                    throw new JobException(JobErrorCode.SCHEDULE_NOT_FOUND, "No schedule is named " + name
                            + "; list them with `sandbox-jobs schedule list`.");
                }
                spec.commandLine().getOut().println("Deleted schedule " + name + ".");
            }
            return Main.OK;
        }
    }
}
