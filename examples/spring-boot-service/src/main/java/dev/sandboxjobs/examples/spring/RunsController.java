package dev.sandboxjobs.examples.spring;

import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.StepRun;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Submits pipeline runs and serves their status; the job engine keeps them across restarts. */
@RestController
class RunsController {
    /** What a client sends: a git URL or a directory the service can read, and optionally a branch. */
    record Submission(String repository, String ref) {
    }

    record StepStatus(String name, String state, int attempt) {
    }

    record RunStatus(String id, String state, String repository, List<StepStatus> steps, Object result) {
    }

    private final JobsClient jobs;

    RunsController(JobsClient jobs) {
        this.jobs = jobs;
    }

    @PostMapping("/runs")
    ResponseEntity<?> submit(@RequestBody Submission request) {
        if (request.repository() == null || request.repository().isBlank()) {
            return ResponseEntity.badRequest().body(Map.of("error", "INVALID_PARAMETERS",
                    "message", "Send {\"repository\": \"<git URL or directory>\"} (and optionally \"ref\")."));
        }
        PipelineRequest.Builder parameters = PipelineRequest.builder(request.repository());
        if (request.ref() != null && !request.ref().isBlank()) {
            parameters.ref(request.ref());
        }
        RunRequest.Builder submission;
        try {
            // checked here as the job engine checks at submission (a token in the URL is refused too)
            submission = TestingPipelineWorkflow.request(TestingPipeline.builder(parameters.build()).buildUnchecked());
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", JobErrorCode.INVALID_PARAMETERS.name(),
                    "message", e.getMessage()));
        }
        Run run = jobs.submit(submission.label("source", "web").build());
        return ResponseEntity.accepted().location(URI.create("/runs/" + run.id())).body(status(run));
    }

    @GetMapping("/runs/{id}")
    RunStatus get(@PathVariable String id) {
        return status(jobs.get(id));
    }

    private static RunStatus status(Run run) {
        List<StepStatus> steps = run.steps().stream()
                .map((StepRun s) -> new StepStatus(s.name(), s.state().name(), s.attempt())).toList();
        Object result = run.state().isFinished() ? TestingPipelineWorkflow.result(run).orElse(null) : null;
        String repository = run.parameters() == null ? null : run.parameters().path("repository").asText(null);
        return new RunStatus(run.id(), run.state().name(), repository, steps, result);
    }

    /** The job engine's typed errors, as HTTP: a code and a message that says what to fix. */
    @ExceptionHandler(JobException.class)
    ResponseEntity<Map<String, String>> error(JobException e) {
        HttpStatus status = e.code() == JobErrorCode.RUN_NOT_FOUND ? HttpStatus.NOT_FOUND
                : e.code() == JobErrorCode.INVALID_PARAMETERS || e.code() == JobErrorCode.INVALID_ARGUMENT
                ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.code().name());
        body.put("message", e.getMessage());
        return ResponseEntity.status(status).body(body);
    }
}
