package dev.sandboxjobs.engine.workflow.internal;

import dev.sandboxjobs.engine.workflow.SandboxProvider;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.StepSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written sandbox provider for units of sandbox logic: remembers what lives and what died. */
final class FakeSandboxProvider implements SandboxProvider {
    final Map<String, String> live = new ConcurrentHashMap<>();
    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> destroyed = new CopyOnWriteArrayList<>();
    final List<SandboxSpec> specs = new CopyOnWriteArrayList<>();
    final AtomicInteger failCreates = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public StepSandbox create(String runId, SandboxSpec spec) {
        if (failCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("Docker is unreachable (fake)");
        }
        String id = "sbx-" + ids.incrementAndGet();
        live.put(id, runId);
        created.add(id);
        specs.add(spec);
        return handle(id);
    }

    @Override
    public StepSandbox attach(String sandboxId, SandboxSpec spec) {
        return handle(sandboxId);
    }

    private StepSandbox handle(String id) {
        return new StepSandbox() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new IllegalArgumentException("fake sandbox");
            }
        };
    }

    @Override
    public void destroy(String sandboxId) {
        if (live.remove(sandboxId) != null) {
            destroyed.add(sandboxId);
        }
    }

    @Override
    public boolean isAlive(String sandboxId) {
        return live.containsKey(sandboxId);
    }

    @Override
    public List<LiveSandbox> liveSandboxes() {
        List<LiveSandbox> out = new ArrayList<>();
        live.forEach((s, r) -> out.add(new LiveSandbox(s, r)));
        return out;
    }
}
