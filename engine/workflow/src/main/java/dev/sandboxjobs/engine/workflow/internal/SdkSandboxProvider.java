package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.workflow.SandboxProvider;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.SecretResolver;
import dev.sandboxjobs.engine.workflow.StepSandbox;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The job engine's sandboxes as SDK sandboxes, through the SDK's public API only: each run gets a
 * sandbox of the {@link SandboxEngine} (stored in its database like any other), labelled
 * {@value Labels#RUN}{@code =<runId>}, kept awake for the whole run and destroyed by the job engine
 * when the run ends.
 */
public final class SdkSandboxProvider implements SandboxProvider {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * SDK error codes that mean the infrastructure failed, not the work, so that another attempt in
     * a new sandbox may succeed: Docker unreachable, a Docker or container failure (a container
     * killed from outside mid-command), the sandbox gone from under the run, an interpreter that
     * stopped answering, the database unusable for a moment. Not retryable: {@code IMAGE_MISSING}
     * and {@code INVALID_ARGUMENT} (setup or configuration is needed), {@code COMMAND_TIMEOUT} and
     * file errors (the work's own doing), {@code CLOSED}.
     */
    private static final Set<ErrorCode> INFRA_CODES = EnumSet.of(ErrorCode.DOCKER_UNAVAILABLE, ErrorCode.SANDBOX_ERROR,
            ErrorCode.SANDBOX_NOT_FOUND, ErrorCode.SANDBOX_DESTROYED, ErrorCode.INTERPRETER_UNAVAILABLE,
            ErrorCode.DATABASE_UNAVAILABLE);

    private final SandboxEngine engine;
    private final SecretResolver secrets;

    public SdkSandboxProvider(SandboxEngine engine, SecretResolver secrets) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    @Override
    public StepSandbox create(String runId, SandboxSpec spec) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String id = "job-" + runId + "-" + HexFormat.of().formatHex(suffix);
        return new SdkTaskSandbox(engine.getSandbox(id, options(runId, spec)));
    }

    @Override
    public StepSandbox attach(String sandboxId, SandboxSpec spec) {
        // an existing sandbox keeps its container settings; only the secrets are taken from the options,
        // and the egress policy when it injects secret headers (their values are never stored)
        SandboxOptions.Builder b = SandboxOptions.builder();
        if (spec != null) {
            spec.secrets().forEach(name -> b.secret(name, secrets.resolve(name)));
            if (!spec.headers().isEmpty()) {
                b.egress(spec.egress(secrets));
            }
        }
        return new SdkTaskSandbox(engine.getSandbox(sandboxId, b.build()));
    }

    @Override
    public void destroy(String sandboxId) {
        engine.destroySandbox(sandboxId);
    }

    /** Alive when the sandbox is in the database and its container still exists (running or stopped, with its files). */
    @Override
    public boolean isAlive(String sandboxId) {
        return engine.isAlive(sandboxId);
    }

    @Override
    public List<LiveSandbox> liveSandboxes() {
        List<LiveSandbox> out = new ArrayList<>();
        for (SandboxInfo info : engine.listSandboxes()) {
            String runId = info.labels().get(Labels.RUN);
            if (runId != null) {
                out.add(new LiveSandbox(info.id(), runId));
            }
        }
        return out;
    }

    @Override
    public boolean isInfrastructureFault(Throwable failure) {
        return failure instanceof SandboxException e && INFRA_CODES.contains(e.code());
    }

    /**
     * The SDK options of a run's sandbox: the spec, the run label, secrets and secret headers by name,
     * never asleep, no pre-warming.
     */
    SandboxOptions options(String runId, SandboxSpec spec) {
        SandboxOptions.Builder b = spec.options().toBuilder()
                .label(Labels.RUN, runId)
                .keepAlive(true)
                // a run's sandbox never pre-warms code interpreters: a step using one starts it on first use
                .prewarmInterpreters()
                .egress(spec.egress(secrets));
        spec.secrets().forEach(name -> b.secret(name, secrets.resolve(name)));
        return b.build();
    }

    /** A run's sandbox handed to steps; {@code unwrap(Sandbox.class)} gives the SDK handle. */
    record SdkTaskSandbox(Sandbox sandbox) implements StepSandbox {
        @Override
        public String id() {
            return sandbox.id();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            if (type.isInstance(sandbox)) {
                return type.cast(sandbox);
            }
            throw new IllegalArgumentException("The run's sandbox is a " + Sandbox.class.getName()
                    + ", not a " + type.getName());
        }
    }
}
