package dev.sandboxjobs.engine.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one command in a fresh, labelled container and removes it: for tests that look inside an image. */
public final class OneShotContainer {
    /** Label on every container a test creates this way. */
    public static final String LABEL = "dev.sandboxjobs.test";

    /** The command's exit code and its stdout and stderr, interleaved. */
    public record Result(int exitCode, String output) {}

    private OneShotContainer() {}

    public static Result run(DockerClient docker, String image, String... command) {
        String id = docker.createContainerCmd(image)
                .withCmd(command)
                .withLabels(Map.of(LABEL, "one-shot"))
                .exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            Integer exit = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(5, TimeUnit.MINUTES);
            StringBuilder output = new StringBuilder();
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(1, TimeUnit.MINUTES);
            return new Result(exit, output.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }
}
