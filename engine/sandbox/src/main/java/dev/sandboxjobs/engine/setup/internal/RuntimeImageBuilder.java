package dev.sandboxjobs.engine.setup.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ensures the runtime image: {@code <repository>:<version>-<hash12>} where the hash covers every
 * input (Dockerfile, helpers, CA certificates, base image id). An existing tag means the image is
 * up to date and nothing is built; either way {@code <repository>:<version>} ends up on it.
 */
final class RuntimeImageBuilder {
    public static final String LABEL_MANAGED = "dev.sandboxjobs.managed";
    public static final String LABEL_INPUTS = "dev.sandboxjobs.inputs-hash";
    public static final String LABEL_VERSION = "dev.sandboxjobs.version";
    public static final String LABEL_BASE = "dev.sandboxjobs.base";
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(60);
    private static final Duration PULL_LIMIT = Duration.ofMinutes(15);

    /** What {@link #ensure} did. */
    public record Result(String tag, String alias, String imageId, BaseImagePlan.Base base, boolean built, String inputsHash) {}

    private final DockerClient docker;
    private final Consumer<String> progress;
    private final Host host;

    public RuntimeImageBuilder(DockerClient docker, Host host, Consumer<String> progress) {
        this.docker = docker;
        this.host = host;
        this.progress = progress;
    }

    /** The {@code <repository>:<version>-<hash12>} tag of {@code context} on a base with {@code baseId}. */
    public static String tagFor(String repository, String version, BuildContext context, String baseId) {
        return repository + ":" + version + "-" + context.hash(baseId).substring(0, 12);
    }

    public static String aliasFor(String repository, String version) {
        return repository + ":" + version;
    }

    public Result ensure(String repository, String version, BuildContext context, String configuredBase, boolean rebuild) {
        BaseImagePlan.Base base = BaseImagePlan.resolve(configuredBase, images());
        String hash = context.hash(base.id());
        String tag = repository + ":" + version + "-" + hash.substring(0, 12);
        String alias = aliasFor(repository, version);
        Optional<String> existing = localId(tag);
        boolean built = false;
        String id;
        if (existing.isPresent() && !rebuild) {
            id = existing.get();
            progress.accept("Runtime image " + tag + " is up to date");
        } else {
            id = build(context, "BASE_IMAGE", base.reference(), base.reference() + "@" + base.id(), tag, hash, version, rebuild);
            built = true;
        }
        if (!localId(alias).equals(Optional.of(id))) {
            String[] repoAndTag = split(alias);
            docker.tagImageCmd(id, repoAndTag[0], repoAndTag[1]).exec();
        }
        return new Result(tag, alias, id, base, built, hash);
    }

    /**
     * Ensures an image built FROM another one ({@code baseTag}, passed as the build argument
     * {@code RUNTIME_IMAGE}): {@code <repository>:<version>-<hash12>}, where the hash covers
     * {@code context} and the base's id, plus the alias {@code <repository>:<version>}. Built only
     * when that tag is missing (or {@code rebuild}).
     */
    public Result ensureDerived(String repository, String version, BuildContext context, String baseTag,
                                boolean rebuild) {
        String baseId = localId(baseTag).orElseThrow(() -> new SandboxException(ErrorCode.IMAGE_MISSING,
                "The image " + baseTag + " to build " + repository + " from does not exist. Run ./sandbox-jobs setup."));
        String hash = context.hash(baseId);
        String tag = repository + ":" + version + "-" + hash.substring(0, 12);
        String alias = aliasFor(repository, version);
        Optional<String> existing = localId(tag);
        boolean built = false;
        String id;
        if (existing.isPresent() && !rebuild) {
            id = existing.get();
            progress.accept("Image " + tag + " is up to date");
        } else {
            id = build(context, "RUNTIME_IMAGE", baseTag, baseTag + "@" + baseId, tag, hash, version, rebuild);
            built = true;
        }
        if (!localId(alias).equals(Optional.of(id))) {
            String[] repoAndTag = split(alias);
            docker.tagImageCmd(id, repoAndTag[0], repoAndTag[1]).exec();
        }
        return new Result(tag, alias, id, new BaseImagePlan.Base(baseTag, baseId, BaseImagePlan.Source.LOCAL), built, hash);
    }

    private String build(BuildContext context, String baseArg, String baseReference, String baseLabel, String tag,
                         String hash, String version, boolean noCache) {
        progress.accept("Building image " + tag + " on " + baseReference
                + " (the first build downloads packages and takes a few minutes)");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_MANAGED, "true");
        labels.put(LABEL_INPUTS, hash);
        labels.put(LABEL_VERSION, version);
        labels.put(LABEL_BASE, baseLabel);
        BuildImageResultCallback callback = new BuildImageResultCallback() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public void onNext(BuildResponseItem item) {
                if (item.getStream() != null) {
                    partial.append(item.getStream());
                    int newline;
                    while ((newline = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, newline).stripTrailing();
                        partial.delete(0, newline + 1);
                        if (!line.isBlank()) {
                            progress.accept("  " + line);
                        }
                    }
                }
                if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                    progress.accept("  ERROR " + item.getErrorDetail().getMessage());
                }
                super.onNext(item);
            }
        };
        try (var ignored = docker.buildImageCmd()
                .withTarInputStream(new ByteArrayInputStream(context.toTar()))
                .withBuildArg(baseArg, baseReference)
                .withTags(Set.of(tag))
                .withLabels(labels)
                .withPull(false)
                .withNoCache(noCache)
                .withRemove(true)
                .withForcerm(true)
                .exec(callback)) {
            String id = callback.awaitImageId(BUILD_LIMIT.toMinutes(), TimeUnit.MINUTES);
            progress.accept("Built " + tag + " (" + shortId(id) + ")");
            return localId(tag).orElse(id);
        } catch (SandboxException e) {
            throw e;
        } catch (Exception e) {
            throw new SandboxException(ErrorCode.IMAGE_MISSING, "Building the image " + tag + " failed: "
                    + DockerBootstrap.describe(e) + ". See the build output (above, or in the log file setup names); fix the cause (often the network"
                    + " to the Debian mirror or a missing CA certificate) and run setup again.", e);
        }
    }

    /** The real {@link BaseImagePlan.Images}: local images, pulls, and debootstrap through this Docker. */
    public BaseImagePlan.Images images() {
        return new BaseImagePlan.Images() {
            @Override
            public Optional<String> localId(String reference) {
                return RuntimeImageBuilder.this.localId(reference);
            }

            @Override
            public boolean pull(String reference) {
                progress.accept("Pulling " + reference);
                String[] repoAndTag = split(reference);
                try (QuietPullCallback callback = docker.pullImageCmd(repoAndTag[0]).withTag(repoAndTag[1])
                        .exec(new QuietPullCallback())) {
                    if (callback.awaitCompletion(PULL_LIMIT.toMinutes(), TimeUnit.MINUTES)) {
                        callback.throwIfFailed();
                        return true;
                    }
                    progress.accept("Pulling " + reference + " took longer than " + PULL_LIMIT.toMinutes() + " min; giving up");
                    return false;
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    progress.accept("Cannot pull " + reference + ": " + DockerBootstrap.describe(e));
                    return false;
                }
            }

            @Override
            public String debootstrap() {
                return new DebianBase(host, docker, progress).make();
            }
        };
    }

    /**
     * A pull callback that keeps its error for us instead of logging it with a stack trace: offline,
     * a failed pull is the expected way to the debootstrap base, and setup says so in one line.
     */
    static final class QuietPullCallback extends PullImageResultCallback {
        private volatile Throwable failure;

        @Override
        public void onError(Throwable throwable) {
            if (failure == null) {
                failure = throwable;
            }
            try {
                close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void throwIfFailed() throws Exception {
            Throwable seen = failure;
            if (seen instanceof Exception e) {
                throw e;
            }
            if (seen instanceof Error e) {
                throw e;
            }
        }
    }

    public Optional<String> localId(String reference) {
        try {
            return Optional.ofNullable(docker.inspectImageCmd(reference).exec().getId());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    public Optional<InspectImageResponse> inspect(String reference) {
        try {
            return Optional.of(docker.inspectImageCmd(reference).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    static String[] split(String reference) {
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon > slash) {
            return new String[] {reference.substring(0, colon), reference.substring(colon + 1)};
        }
        return new String[] {reference, "latest"};
    }

    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.substring(0, Math.min(12, bare.length()));
    }
}
