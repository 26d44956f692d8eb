package dev.sandboxjobs.cli;

import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.jobs.BuiltInWorkflows;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the web dashboard and its JSON API over the database until SIGTERM or Ctrl-C: runs (filter,"
                + " follow a log live, cancel, retry, re-run), schedules (pause, resume, trigger now), sandboxes (list,"
                + " destroy) and an overview. It needs the database only; the sandboxes page connects to Docker when"
                + " opened. It prints one line with the URL to open, which carries the admin token (and a read-only"
                + " link). Every page and API call without a token is refused.",
                "Fixed tokens instead of random ones: SANDBOX_JOBS_DASHBOARD_TOKEN and SANDBOX_JOBS_DASHBOARD_READ_TOKEN."
                        + " The API is described in docs/dashboard.md."})
final class DashboardCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "The port (default 0: a free one, printed).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "The address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface).")
    String bind;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private SandboxEngine sandboxes;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        JobsClient client = engine.openClient();
        Dashboard dashboard;
        try {
            // the built-in workflows, so that their runs can be re-run and their schedules triggered from here
            BuiltInWorkflows.registerAll(client);
            dashboard = DashboardOptions.tokens(Dashboard.builder(client), System.getenv())
                    .sandboxes(this::openSandboxes)
                    .bindAddress(bind)
                    .port(port)
                    .start();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            synchronized (this) {
                if (sandboxes != null) {
                    sandboxes.close();
                }
            }
            client.close();
            stopped.countDown();
        }, "sandbox-jobs-dashboard-shutdown"));
        DashboardOptions.warnIfExposed(bind, spec.commandLine().getErr());
        out.println(DashboardOptions.line(dashboard, engine.database()));
        out.flush();
        stopped.await();
        return Main.OK;
    }

    /** The sandbox engine for the sandboxes page, opened on first use (a failure is retried on the next visit). */
    private synchronized SandboxEngine openSandboxes() {
        if (sandboxes == null) {
            sandboxes = engine.builder().build();
        }
        return sandboxes;
    }
}
