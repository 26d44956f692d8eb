package dev.sandboxjobs.engine.internal.sandbox;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxSnapshot;
import dev.sandboxjobs.engine.SnapshotOptions;
import dev.sandboxjobs.engine.internal.docker.Containers;
import dev.sandboxjobs.engine.internal.docker.DockerErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as Docker images: {@code docker commit} of the sandbox's container (not paused: on
 * Docker 20.10 an exec starting while the commit pauses the container froze both), tagged {@code sandbox-jobs/snapshot:<id>} and labelled with the engine's id, the sandbox,
 * the name and the expiry. Deleting one removes its tag: sandboxes started from it keep their
 * layers, which Docker frees when the last of them is removed (the expiry sweep retries).
 */
public final class Snapshots {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    static final String ID_LABEL = Labels.SNAPSHOT;
    static final String SANDBOX_LABEL = Labels.SNAPSHOT + ".sandbox";
    static final String NAME_LABEL = Labels.SNAPSHOT + ".name";
    static final String CREATED_LABEL = Labels.SNAPSHOT + ".created";
    static final String EXPIRES_LABEL = Labels.SNAPSHOT + ".expires";

    private Snapshots() {}

    static SandboxSnapshot take(SandboxRuntime sandbox, SnapshotOptions options) {
        String id = UUID.randomUUID().toString();
        Instant now = sandbox.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expires = now.plus(options.ttl());
        Map<String, String> labels = new HashMap<>();
        labels.put(Labels.ENGINE, sandbox.engineId);
        labels.put(ID_LABEL, id);
        labels.put(SANDBOX_LABEL, sandbox.id);
        labels.put(CREATED_LABEL, Long.toString(now.toEpochMilli()));
        labels.put(EXPIRES_LABEL, Long.toString(expires.toEpochMilli()));
        if (options.name() != null) {
            labels.put(NAME_LABEL, options.name());
        }
        sandbox.call(() -> {
            commitWithoutPause(sandbox, id, labels);
            return null;
        });
        return new SandboxSnapshot(id, sandbox.id, image(id), options.name(), now, expires);
    }

    /**
     * {@code POST /commit?pause=false} through the client's HTTP transport: docker-java's
     * {@code CommitCmd} sends the pause parameter only when it is true, and Docker pauses by default.
     */
    private static void commitWithoutPause(SandboxRuntime sandbox, String id, Map<String, String> labels) {
        if (!(sandbox.containers.client() instanceof com.github.dockerjava.core.DockerClientImpl impl)) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Snapshots need docker-java's own client.");
        }
        String path = "/commit?container=" + encode(sandbox.containerId()) + "&repo=" + encode(SandboxSnapshot.REPOSITORY)
                + "&tag=" + encode(id) + "&pause=false&comment=" + encode("sandbox-jobs snapshot of " + sandbox.id);
        byte[] body;
        try {
            body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(Map.of("Labels", labels));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        com.github.dockerjava.transport.DockerHttpClient.Request request = com.github.dockerjava.transport.DockerHttpClient
                .Request.builder().method(com.github.dockerjava.transport.DockerHttpClient.Request.Method.POST).path(path)
                .putHeader("Content-Type", "application/json").body(new java.io.ByteArrayInputStream(body)).build();
        try (com.github.dockerjava.transport.DockerHttpClient.Response response = impl.getHttpClient().execute(request)) {
            int status = response.getStatusCode();
            if (status == 404) {
                throw new NotFoundException("container " + sandbox.containerId() + " is gone");
            }
            if (status / 100 != 2) {
                String text = new String(response.getBody().readNBytes(4096), StandardCharsets.UTF_8);
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Docker refused to snapshot sandbox " + sandbox.id
                        + " (HTTP " + status + "): " + text.strip());
            }
        } catch (IOException e) {
            throw DockerErrors.unavailable(sandbox.containers.host(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String image(String id) {
        return SandboxSnapshot.REPOSITORY + ":" + id;
    }

    /** This engine's snapshots, oldest first. */
    public static List<SandboxSnapshot> list(Containers containers, String engineId) {
        List<SandboxSnapshot> all = new ArrayList<>();
        for (Image image : images(containers, engineId)) {
            snapshotOf(image).ifPresent(all::add);
        }
        all.sort(Comparator.comparing(SandboxSnapshot::createdAt).thenComparing(SandboxSnapshot::id));
        return all;
    }

    public static Optional<SandboxSnapshot> find(Containers containers, String engineId, String id) {
        if (id == null) {
            return Optional.empty();
        }
        return list(containers, engineId).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Removes the snapshot's tag (its layers stay while sandboxes started from it exist). */
    public static boolean delete(Containers containers, String engineId, String id) {
        Optional<SandboxSnapshot> found = find(containers, engineId, id);
        if (found.isEmpty()) {
            return false;
        }
        try {
            containers.client().removeImageCmd(found.get().image()).withForce(true).exec();
        } catch (NotFoundException e) {
            return false;
        }
        return true;
    }

    /** Deletes expired snapshots and removes untagged snapshot images no container uses any more. */
    public static int expire(Containers containers, String engineId, Instant now) {
        int deleted = 0;
        for (Image image : images(containers, engineId)) {
            Optional<SandboxSnapshot> s = snapshotOf(image);
            try {
                if (s.isPresent() && !s.get().expiresAt().isAfter(now)) {
                    containers.client().removeImageCmd(s.get().image()).withForce(true).exec();
                    LOG.info("Deleted snapshot {} of sandbox {} (expired at {})", s.get().id(), s.get().sandboxId(),
                            s.get().expiresAt());
                    deleted++;
                } else if (s.isEmpty()) {
                    containers.client().removeImageCmd(image.getId()).withForce(false).exec();
                }
            } catch (NotFoundException | ConflictException e) {
                // gone already, or still used by a sandbox started from it: next time
            }
        }
        return deleted;
    }

    private static List<Image> images(Containers containers, String engineId) {
        try {
            return containers.client().listImagesCmd().withShowAll(false)
                    .withLabelFilter(Map.of(Labels.ENGINE, engineId)).exec().stream()
                    .filter(i -> i.getLabels() != null && i.getLabels().containsKey(ID_LABEL)).toList();
        } catch (DockerException e) {
            throw DockerErrors.error("Cannot list the snapshots", e);
        }
    }

    private static Optional<SandboxSnapshot> snapshotOf(Image image) {
        Map<String, String> l = image.getLabels();
        String id = l.get(ID_LABEL);
        String tag = image(id);
        if (image.getRepoTags() == null || !List.of(image.getRepoTags()).contains(tag)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SandboxSnapshot(id, l.get(SANDBOX_LABEL), tag, l.get(NAME_LABEL),
                    Instant.ofEpochMilli(Long.parseLong(l.get(CREATED_LABEL))),
                    Instant.ofEpochMilli(Long.parseLong(l.get(EXPIRES_LABEL)))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
