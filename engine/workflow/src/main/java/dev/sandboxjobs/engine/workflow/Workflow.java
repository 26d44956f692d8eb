package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A named, ordered list of steps with its parameter validation, its sandbox and its defaults.
 * Register it with {@link JobsClient#register(Workflow)} under its name before the engine starts, so
 * that runs persisted earlier find their code again.
 *
 * <pre>{@code
 * Workflow build = Workflow.named("build")
 *         .parameters(ParameterValidator.required("repo"))
 *         .sandbox(SandboxSpec.image("sandbox-jobs/debian-base:trixie"))
 *         .timeout(Duration.ofMinutes(30))
 *         .retry(RetryPolicy.attempts(3))
 *         .step(Step.of("clone", ctx -> StepResult.success()))
 *         .step(Step.of("test", ctx -> StepResult.success()))
 *         .build();
 * }</pre>
 */
public final class Workflow {
    private final String name;
    private final List<Step> steps;
    private final ParameterValidator validator;
    private final SandboxSpec sandbox;
    private final Function<JsonNode, SandboxSpec> sandboxFor;
    private final Duration timeout;
    private final Duration stepTimeout;
    private final RetryPolicy retry;

    private Workflow(Builder b) {
        this.name = b.name;
        this.steps = List.copyOf(b.steps);
        this.validator = b.validator;
        this.sandbox = b.sandbox;
        this.sandboxFor = b.sandboxFor;
        this.timeout = b.timeout;
        this.stepTimeout = b.stepTimeout;
        this.retry = b.retry;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<Step> steps() {
        return steps;
    }

    public ParameterValidator validator() {
        return validator;
    }

    /** The sandbox every run gets, or null for a workflow whose steps need none. */
    public SandboxSpec sandbox() {
        return sandbox;
    }

    /**
     * The sandbox a run with {@code parameters} (already validated) gets: the one computed by
     * {@link Builder#sandbox(java.util.function.Function)} if set, else {@link #sandbox()}.
     */
    public SandboxSpec sandbox(JsonNode parameters) {
        return sandboxFor != null ? sandboxFor.apply(parameters) : sandbox;
    }

    /** The default run timeout, or null for none. */
    public Duration timeout() {
        return timeout;
    }

    /** The default step timeout, or null for none. */
    public Duration stepTimeout() {
        return stepTimeout;
    }

    public RetryPolicy retry() {
        return retry;
    }

    @Override
    public String toString() {
        return "Workflow[" + name + ", steps=" + steps.stream().map(Step::name).toList() + "]";
    }

    public static final class Builder {
        private final String name;
        private final List<Step> steps = new ArrayList<>();
        private ParameterValidator validator = ParameterValidator.NONE;
        private SandboxSpec sandbox;
        private Function<JsonNode, SandboxSpec> sandboxFor;
        private Duration timeout;
        private Duration stepTimeout;
        private RetryPolicy retry = RetryPolicy.NONE;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A workflow needs a non-blank name");
            }
            this.name = name;
        }

        public Builder step(Step step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        public Builder parameters(ParameterValidator v) {
            this.validator = Objects.requireNonNull(v, "validator");
            return this;
        }

        public Builder sandbox(SandboxSpec spec) {
            this.sandbox = spec;
            return this;
        }

        /**
         * Computes each run's sandbox from its (validated) parameters, e.g. an image variant or
         * cache volumes chosen per run; a {@link RunRequest#sandbox()} still overrides it.
         */
        public Builder sandbox(Function<JsonNode, SandboxSpec> f) {
            this.sandboxFor = f;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Builder stepTimeout(Duration d) {
            this.stepTimeout = d;
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry");
            return this;
        }

        public Workflow build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("Workflow " + name + " has no steps; add at least one");
            }
            Set<String> names = new HashSet<>();
            for (Step s : steps) {
                if (!names.add(s.name())) {
                    throw new IllegalArgumentException("Workflow " + name + " has two steps named " + s.name());
                }
            }
            return new Workflow(this);
        }
    }
}
