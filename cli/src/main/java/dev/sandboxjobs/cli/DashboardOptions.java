package dev.sandboxjobs.cli;

import dev.sandboxjobs.storage.DatabaseLocation;
import dev.sandboxjobs.dashboard.Dashboard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/** What the dashboard and the worker's {@code --dashboard} share: tokens from the environment and the printed line. */
final class DashboardOptions {
    /** A fixed admin token instead of a random one per start. */
    static final String ADMIN_TOKEN_ENV = "SANDBOX_JOBS_DASHBOARD_TOKEN";
    /** A fixed read-only token instead of a random one per start. */
    static final String READ_TOKEN_ENV = "SANDBOX_JOBS_DASHBOARD_READ_TOKEN";

    private DashboardOptions() {}

    static Dashboard.Builder tokens(Dashboard.Builder builder, Map<String, String> env) {
        String admin = env.get(ADMIN_TOKEN_ENV);
        if (admin != null && !admin.isBlank()) {
            builder.adminToken(admin.trim());
        }
        String read = env.get(READ_TOKEN_ENV);
        if (read != null && !read.isBlank()) {
            builder.readOnlyToken(read.trim());
        }
        return builder;
    }

    /** The one line a dashboard prints when it starts: the URL with the admin token first. */
    static String line(Dashboard dashboard, DatabaseLocation database) {
        return "Dashboard: " + dashboard.url() + "  (read-only: " + dashboard.readOnlyUrl() + "; database " + database + ")";
    }

    /** Says so when the dashboard can be reached from other machines. */
    static void warnIfExposed(String bindAddress, PrintWriter err) {
        if (!bindAddress.startsWith("127.") && !bindAddress.equals("localhost") && !bindAddress.equals("::1")) {
            err.println("warning: the dashboard listens on " + bindAddress + " over plain HTTP: other machines can reach"
                    + " it, and the token travels unencrypted. Put it behind a TLS proxy, or keep the default 127.0.0.1.");
            err.flush();
        }
    }
}
