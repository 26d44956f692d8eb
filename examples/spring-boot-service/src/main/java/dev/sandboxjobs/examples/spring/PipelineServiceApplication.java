package dev.sandboxjobs.examples.spring;

import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A small web service on the Spring Boot starter: {@code POST /runs} with a repository URL (or a
 * directory) runs the testing pipeline on it as a durable job; {@code GET /runs/{id}} serves its
 * status and, once over, its result. The starter supplies the engine, the worker and its graceful
 * shutdown, {@code /actuator/health} and the {@code sandboxjobs.*} meters under
 * {@code /actuator/metrics}.
 *
 * <pre>
 * curl -s -XPOST localhost:8080/runs -H 'Content-Type: application/json' -d '{"repository":"https://github.com/org/repo.git"}'
 * curl -s localhost:8080/runs/run-…
 * </pre>
 */
@SpringBootApplication
public class PipelineServiceApplication {
    public static void main(String[] args) {
        SpringApplication.run(PipelineServiceApplication.class, args);
    }

    /** Registered with the worker by the starter, before it starts. */
    @Bean
    Workflow testingPipeline() {
        return TestingPipelineWorkflow.create();
    }
}
