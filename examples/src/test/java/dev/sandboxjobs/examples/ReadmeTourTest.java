package dev.sandboxjobs.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestImages;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tour at the top of README.md, line for line, so that it cannot rot. */
@RequiresDocker
class ReadmeTourTest {
    @TempDir Path dir;

    @Test
    void theReadmeTourRunsAsWritten() throws Exception {
        String image = TestImages.runtime();
        try (SandboxEngine engine = SandboxEngine.builder().dataDirectory(dir).image(image).build();
             JobEngine jobEngine = JobEngine.over(engine)) {
            Sandbox sandbox = engine.getSandbox("my-sandbox");
            sandbox.writeFile("/workspace/hello.py", "print('Hello from a sandbox')");
            ExecResult r = sandbox.exec("python3 /workspace/hello.py");
            assertThat(r.stdout()).isEqualTo("Hello from a sandbox\n");

            Execution run = sandbox.runCode("import math; math.pi * 5 ** 2");
            assertThat(run.text()).isEqualTo("78.53981633974483");

            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("hello")
                    .sandbox(SandboxSpec.image(image))
                    .step(Step.of("greet", ctx -> StepResult.success(
                            ctx.sandbox(Sandbox.class).exec("echo hi").stdout().trim())))
                    .build());
            jobs.start();
            Run done = jobs.await(jobs.submit(RunRequest.of("hello").build()).id(), Duration.ofMinutes(1));
            assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(engine.listSandboxes()).extracting(s -> s.id()).containsExactly("my-sandbox");

            sandbox.destroy();
            assertThat(engine.listSandboxes()).isEmpty();
        }
    }
}
