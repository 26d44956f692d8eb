package dev.sandboxjobs.engine.internal.jobs;

import dev.sandboxjobs.engine.NetworkMode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.internal.EngineCore;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.SecretResolver;
import dev.sandboxjobs.engine.workflow.internal.SandboxProvider;
import dev.sandboxjobs.engine.workflow.internal.TaskSandbox;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The job engine's sandboxes as SDK sandboxes: each run gets a sandbox of the engine (stored in
 * its database like any other), labelled {@value #RUN_LABEL}{@code =<runId>}, kept awake for the
 * whole run and destroyed by the job engine when the run ends.
 */
public final class SdkSandboxProvider implements SandboxProvider {
    /** The container label naming the run a per-task sandbox belongs to. */
    public static final String RUN_LABEL = "dev.sandboxjobs.run";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineCore core;
    private final SecretResolver secrets;

    public SdkSandboxProvider(EngineCore core, SecretResolver secrets) {
        this.core = Objects.requireNonNull(core, "core");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    @Override
    public TaskSandbox create(String runId, SandboxSpec spec) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String id = "job-" + runId + "-" + HexFormat.of().formatHex(suffix);
        return new SdkTaskSandbox(core.getSandbox(id, options(runId, spec)));
    }

    @Override
    public TaskSandbox attach(String sandboxId, SandboxSpec spec) {
        // an existing sandbox keeps its container settings; only the secrets are taken from the options
        SandboxOptions.Builder b = SandboxOptions.builder();
        if (spec != null) {
            spec.secrets().forEach(name -> b.secret(name, secrets.resolve(name)));
        }
        return new SdkTaskSandbox(core.getSandbox(sandboxId, b.build()));
    }

    @Override
    public void destroy(String sandboxId) {
        core.destroySandbox(sandboxId);
    }

    /** Alive when the sandbox is in the database and its container still exists (running or stopped, with its files). */
    @Override
    public boolean isAlive(String sandboxId) {
        return core.containerExists(sandboxId);
    }

    @Override
    public List<LiveSandbox> liveSandboxes() {
        List<LiveSandbox> out = new ArrayList<>();
        for (SandboxInfo info : core.listSandboxes()) {
            String runId = info.labels().get(RUN_LABEL);
            if (runId != null) {
                out.add(new LiveSandbox(info.id(), runId));
            }
        }
        return out;
    }

    /** The SDK options of a run's sandbox: the spec, the run label, secrets by name, never asleep, no pre-warming. */
    SandboxOptions options(String runId, SandboxSpec spec) {
        SandboxOptions.Builder b = SandboxOptions.builder()
                .image(spec.image())
                .env(spec.env())
                .labels(spec.labels())
                .label(RUN_LABEL, runId)
                .network("bridge".equals(spec.network()) ? NetworkMode.BRIDGE : NetworkMode.NONE)
                .keepAlive(true)
                // a run's sandbox never pre-warms code interpreters: a step using one starts it on first use
                .prewarmInterpreters();
        spec.secrets().forEach(name -> b.secret(name, secrets.resolve(name)));
        spec.volumes().forEach(v -> b.volume(v.name(), v.containerPath()));
        if (spec.memoryMb() > 0) {
            b.memoryBytes((long) spec.memoryMb() << 20);
        }
        if (spec.cpus() > 0) {
            b.cpus(spec.cpus());
        }
        if (spec.pids() > 0) {
            b.pidsLimit(spec.pids());
        }
        return b.build();
    }

    /** A run's sandbox handed to steps; {@code unwrap(Sandbox.class)} gives the SDK handle. */
    record SdkTaskSandbox(Sandbox sandbox) implements TaskSandbox {
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
