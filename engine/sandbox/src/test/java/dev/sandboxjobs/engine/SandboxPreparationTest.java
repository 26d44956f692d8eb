package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.internal.docker.DockerClients;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-root sandbox's container is prepared as root (its user's state directories and
 * {@code /workspace}) by one Docker exec, unless an earlier container of the same image for the
 * same user needed nothing, as the engine's images do for uid 1000: then the exec is skipped, and
 * the sandbox works the same.
 */
@RequiresDocker
class SandboxPreparationTest {
    @TempDir Path dir;

    @Test
    void containersOfAnImageWhoseUserDirectoriesAreReadyStartWithoutThePreparationExec() throws Exception {
        try (SandboxEngine engine = TestEngines.builder(dir).image(RuntimeImageForTests.image()).build();
             DockerClient docker = DockerClients.connect(DockerClients.resolveHost(null, System.getenv("DOCKER_HOST"))).client()) {
            SandboxOptions none = SandboxOptions.builder().egress(EgressPolicy.none()).build();
            assertThat(preparationExecs(docker, engine, "prep-first", none, "1000"))
                    .as("the first container of the image is prepared").isEqualTo(1);
            assertThat(preparationExecs(docker, engine, "prep-second", none, "1000"))
                    .as("the image made the directories its user's: the next container needs no exec").isZero();
            // another user: the image's directories are not its own, so each container is prepared
            SandboxOptions other = none.toBuilder().user("1001:1001").build();
            assertThat(preparationExecs(docker, engine, "prep-other-1", other, "1001")).isEqualTo(1);
            assertThat(preparationExecs(docker, engine, "prep-other-2", other, "1001")).isEqualTo(1);
        }
    }

    /** Makes a sandbox, checks its user owns and can write its directories, destroys it; its preparation execs. */
    private static int preparationExecs(DockerClient docker, SandboxEngine engine, String id, SandboxOptions options,
                                        String uid) throws Exception {
        long since = Instant.now().getEpochSecond() - 1;
        Sandbox sandbox = engine.getSandbox(id, options);
        try {
            ExecResult r = sandbox.exec("id -u; stat -c %u /var/lib/sandbox-jobs/proc /var/lib/sandbox-jobs/exec /workspace;"
                    + " touch /workspace/f /var/lib/sandbox-jobs/exec/f && echo writable");
            assertThat(r.stdout()).isEqualTo(uid + "\n" + uid + "\n" + uid + "\n" + uid + "\nwritable\n");
            sandbox.writeFile("/workspace/g.txt", "through the API");
            assertThat(sandbox.readFile("/workspace/g.txt").content()).isEqualTo("through the API");
        } finally {
            sandbox.destroy();
            sandbox.close();
        }
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        docker.eventsCmd().withSince(Long.toString(since)).withUntil(Long.toString(Instant.now().getEpochSecond() + 1))
                .withEventFilter("exec_create")
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event e) {
                        events.add(e);
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        synchronized (events) {
            return (int) events.stream()
                    .filter(e -> e.getActor() != null && e.getActor().getAttributes() != null
                            && id.equals(e.getActor().getAttributes().get(Labels.SANDBOX)))
                    .filter(e -> String.valueOf(e.getAction()).startsWith("exec_create: sh -c set -e"))
                    .count();
        }
    }
}
