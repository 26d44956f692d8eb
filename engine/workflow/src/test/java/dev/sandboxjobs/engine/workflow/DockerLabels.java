package dev.sandboxjobs.engine.workflow;

import dev.sandboxjobs.engine.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asks Docker itself (the {@code docker} CLI, argv only) which containers carry the job engine's labels. */
final class DockerLabels {
    private DockerLabels() {
    }

    /** Ids of the containers (running or not) of engine {@code engineId} that carry a run label. */
    static List<String> runContainers(String engineId) {
        return docker("ps", "-aq", "--no-trunc", "--filter", "label=" + Labels.ENGINE + "=" + engineId,
                "--filter", "label=" + Labels.RUN);
    }

    /** Ids of the containers (running or not) labelled with run {@code runId}. */
    static List<String> containersOfRun(String runId) {
        return docker("ps", "-aq", "--no-trunc", "--filter", "label=" + Labels.RUN + "=" + runId);
    }

    /** Runs {@code docker args}, ignoring a failure (a container already stopped or gone). */
    static void dockerTolerant(String... args) {
        try {
            docker(args);
        } catch (IllegalStateException e) {
            // nothing to do
        }
    }

    static List<String> docker(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + out);
            }
            return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
