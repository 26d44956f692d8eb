package dev.sandboxjobs.engine.setup.internal;

import java.util.Locale;

/**
 * What setup does when no Docker engine answers: a pure decision over facts about the host, so
 * that every branch and its message is tested without touching the machine's Docker.
 */
record DockerPlan(Action action, String message) {
    public enum Action { START_DAEMON, INSTALL_AND_START, FAIL }

    /** What setup found out. {@code os} is null when {@code /etc/os-release} is unreadable. */
    public record Facts(String host, boolean localDefaultHost, String connectError, OsRelease os, boolean root,
                        boolean dockerdInstalled, boolean installAllowed) {}

    public static DockerPlan decide(Facts facts) {
        String noAnswer = "No Docker engine answers at " + facts.host() + " (" + facts.connectError() + ")";
        if (!facts.localDefaultHost()) {
            return fail(noAnswer + ". Start that engine, or point --docker-host / DOCKER_HOST at one that runs"
                    + " (unset DOCKER_HOST to use the local default socket, which setup can install and start).");
        }
        if (isPermissionProblem(facts.connectError()) && !facts.root()) {
            return fail("Docker runs, but your user may not use " + facts.host() + " (" + facts.connectError()
                    + "). Add yourself to the docker group (sudo usermod -aG docker $USER, then log in again),"
                    + " or run setup as root.");
        }
        if (facts.dockerdInstalled()) {
            if (facts.root()) {
                return new DockerPlan(Action.START_DAEMON,
                        "Docker is installed but not running: starting dockerd in the background");
            }
            return fail(noAnswer + ". Docker is installed but its daemon is not running: start it"
                    + " (sudo systemctl start docker, or sudo dockerd &), or run `sudo ./sandbox-jobs setup`.");
        }
        String distro = facts.os() == null ? "an unknown Linux (no /etc/os-release)" : facts.os().prettyName();
        if (facts.os() == null || !facts.os().isDebianFamily()) {
            return fail("Docker is not installed, and setup installs it only on Debian and Ubuntu (this is "
                    + distro + "). Install Docker Engine (https://docs.docker.com/engine/install/), start it,"
                    + " and run setup again.");
        }
        if (!facts.root()) {
            return fail("Docker is not installed. Run `sudo ./sandbox-jobs setup` to install it from " + distro
                    + "'s packages (apt-get install docker.io) and start it, or install and start it yourself.");
        }
        if (!facts.installAllowed()) {
            return fail("Docker is not installed and installing it was turned off. Install it"
                    + " (apt-get install -y docker.io), start dockerd, and run setup again.");
        }
        return new DockerPlan(Action.INSTALL_AND_START,
                "Docker is not installed: installing docker.io from " + distro + "'s packages");
    }

    private static DockerPlan fail(String message) {
        return new DockerPlan(Action.FAIL, message);
    }

    private static boolean isPermissionProblem(String error) {
        return error != null && error.toLowerCase(Locale.ROOT).contains("permission denied");
    }
}
