package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.sandbox.Snapshots;
import java.util.List;
import java.util.Optional;

/** The snapshots of one engine on its Docker engine. */
public record SnapshotStore(Containers containers, String engineId) {
    public List<SandboxSnapshot> list() {
        return Snapshots.list(containers, engineId);
    }

    public Optional<SandboxSnapshot> find(String id) {
        return Snapshots.find(containers, engineId, id);
    }

    public boolean delete(String id) {
        return Snapshots.delete(containers, engineId, id);
    }
}
