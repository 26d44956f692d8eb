package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxInfo;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.storage.Database;
import java.util.List;
import java.util.Optional;

/** The engine behind {@link dev.sandboxjobs.engine.SandboxEngine}. */
public final class EngineCore implements AutoCloseable {
    private final EngineConfig config;

    private EngineCore(EngineConfig config) {
        this.config = config;
    }

    public static EngineCore start(EngineConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    public EngineConfig config() { return config; }
    public Sandbox getSandbox(String id, SandboxOptions options) { throw new UnsupportedOperationException(); }
    public Optional<Sandbox> findSandbox(String id) { throw new UnsupportedOperationException(); }
    public List<SandboxInfo> listSandboxes() { throw new UnsupportedOperationException(); }
    public boolean destroySandbox(String id) { throw new UnsupportedOperationException(); }
    public int reapOrphans() { throw new UnsupportedOperationException(); }
    public Database database() { throw new UnsupportedOperationException(); }
    public String engineId() { throw new UnsupportedOperationException(); }
    @Override public void close() {}
}
