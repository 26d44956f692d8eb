package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.detect.Overrides;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to test: a repository (a {@code git://}, {@code http(s)://}, {@code ssh://} or
 * {@code file://} URL, an scp-style {@code git@host:path}, or a local directory whose files
 * are copied in, uncommitted changes included), a ref, and how.
 *
 * <pre>{@code
 * PipelineRequest req = PipelineRequest.builder("https://git.example.com/team/app.git")
 *         .ref("main").token(SecretValue.of(System.getenv("GIT_TOKEN")))
 *         .testTimeout(Duration.ofMinutes(10)).build();
 * }</pre>
 *
 * @param repository     the URL or local path as given (credentials in a URL are moved to {@link #token()})
 * @param ref            a branch, tag or commit SHA; {@code ""} for the default branch
 * @param depth          clone depth; {@code 0} for the full history (default 1)
 * @param subdirectory   the project's directory inside the repository ({@code ""} for the root)
 * @param token          a token for a private repository, or {@code null}
 * @param overrides      the user's install/test commands
 * @param caches         the dependency caches to use ({@link CacheMounts#none()} to opt out)
 * @param cloneTimeout   limit for the clone step
 * @param installTimeout limit for the install step
 * @param testTimeout    limit for the test step
 * @param network        where the sandbox may connect to in each step ({@link PipelineNetwork#defaults()}:
 *                       the git host to clone, the kind's registries to install, nothing to test)
 * @param image          {@value #IMAGE_RUNTIME}, {@value #IMAGE_FULL} or an image reference for the
 *                       durable workflow's sandbox; null to choose from the project (a local directory is
 *                       read when the run is submitted, other repositories get the runtime image unless the
 *                       submitter chose with {@link PipelineImages#choose}, as the command line does).
 *                       {@link TestingPipeline#run(dev.sandboxjobs.engine.SandboxEngine, dev.sandboxjobs.engine.SandboxOptions)}
 *                       runs in the image of its options.
 * @param tokenSecret    the NAME of a secret the sandbox holds as an environment variable with the token
 *                       for a private repository (the job engine's {@code SecretResolver} gives its value),
 *                       or null; used when {@code token} is null
 *
 * <p>Jackson writes and reads a request as the workflow's JSON parameters, only what differs from the
 * defaults ({@code {"repository": "…", "ref": "main", "testTimeoutSeconds": 600, "cache": false,
 * "image": "full", "tokenSecret": "GIT_TOKEN", "installAllow": […], "testNetwork": "none"}}), the
 * shape runs stored by 0.1 hold. A token value and the clone depth are not part of it.
 */
@JsonSerialize(using = PipelineParameters.Json.Writer.class)
@JsonDeserialize(using = PipelineParameters.Json.Reader.class)
public record PipelineRequest(String repository, String ref, int depth, String subdirectory, SecretValue token,
        Overrides overrides, CacheMounts caches, Duration cloneTimeout, Duration installTimeout,
        Duration testTimeout, PipelineNetwork network, String image, String tokenSecret) {

    /** The image variant of the runtime image (Node/npm, Python, make, git). */
    public static final String IMAGE_RUNTIME = "runtime";
    /** The image variant with JDK 21 and 25 + Maven, Go and Rust. */
    public static final String IMAGE_FULL = "full";

    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.*");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{7,40}$");

    public PipelineRequest {
        Objects.requireNonNull(repository, "repository");
        ref = ref == null ? "" : ref;
        subdirectory = normalizeSubdirectory(subdirectory == null ? "" : subdirectory);
        overrides = overrides == null ? Overrides.NONE : overrides;
        caches = caches == null ? CacheMounts.defaults() : caches;
        network = network == null ? PipelineNetwork.defaults() : network;
        image = image == null || image.isEmpty() ? null : image;
        tokenSecret = tokenSecret == null || tokenSecret.isEmpty() ? null : tokenSecret;
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be 0 (full history) or positive, not " + depth);
        }
        checkNoControlCharacters("repository", repository);
        checkNoControlCharacters("ref", ref);
        if (repository.isBlank()) {
            throw new IllegalArgumentException("repository must be a git URL or a local directory");
        }
        if (repository.startsWith("-")) {
            throw new IllegalArgumentException("repository must not start with '-': " + repository);
        }
        if (repository.contains("::")) {
            throw new IllegalArgumentException("git transport helpers (\"transport::address\") are not allowed: "
                    + "use a git://, http(s)://, ssh:// or file:// URL");
        }
        if (ref.startsWith("-")) {
            throw new IllegalArgumentException("a branch, tag or commit cannot start with '-': " + ref);
        }
        Objects.requireNonNull(cloneTimeout, "cloneTimeout");
        Objects.requireNonNull(installTimeout, "installTimeout");
        Objects.requireNonNull(testTimeout, "testTimeout");
    }

    /** How the repository reaches the sandbox. */
    public enum SourceKind {
        /** Cloned inside the sandbox from a URL. */
        REMOTE,
        /** A host directory copied into the sandbox. */
        LOCAL_DIRECTORY
    }

    public SourceKind sourceKind() {
        return isUrl(repository) ? SourceKind.REMOTE : SourceKind.LOCAL_DIRECTORY;
    }

    /**
     * For a {@code file://} URL, the host path it names: such a URL means a repository on the engine's
     * host (like a directory), copied into the sandbox and cloned there, not a path inside the sandbox.
     */
    public java.util.Optional<Path> hostPath() {
        if (!repository.regionMatches(true, 0, "file://", 0, 7)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Path.of(URI.create(repository.replace(" ", "%20"))));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return java.util.Optional.of(Path.of(repository.substring("file://".length())));
        }
    }

    /** Whether {@link #ref()} looks like a commit SHA (7 to 40 lowercase hex digits). */
    public boolean refIsCommit() {
        return COMMIT.matcher(ref).matches();
    }

    /** The repository with any credentials removed, for reports and logs. */
    public String displayRepository() {
        return stripUserInfo(repository);
    }

    static boolean isUrl(String repository) {
        String lower = repository.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("git://") || lower.startsWith("http://") || lower.startsWith("https://")
                || lower.startsWith("ssh://") || lower.startsWith("file://") || SCP_LIKE.matcher(repository).matches()
                && !Files.isDirectory(Path.of(repository));
    }

    static String stripUserInfo(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int at = url.indexOf('@', scheme + 3);
        int slash = url.indexOf('/', scheme + 3);
        if (at < 0 || (slash >= 0 && at > slash)) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        String lower = url.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
        // ssh://git@host keeps its user name; a password or token is always removed
        if (lower.equals("ssh") && !userInfo.contains(":")) {
            return url;
        }
        return url.substring(0, scheme + 3) + url.substring(at + 1);
    }

    /** The password or token embedded in an http(s) URL's user info, if any. */
    static String embeddedSecret(String url) {
        try {
            URI uri = URI.create(url);
            String info = uri.getRawUserInfo();
            if (info == null || uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                return null;
            }
            int colon = info.indexOf(':');
            String secret = colon >= 0 ? info.substring(colon + 1) : info;
            return secret.isEmpty() ? null : java.net.URLDecoder.decode(secret, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String normalizeSubdirectory(String dir) {
        String d = dir.replace('\\', '/');
        while (d.startsWith("./")) {
            d = d.substring(2);
        }
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.startsWith("/")) {
            throw new IllegalArgumentException("subdirectory must be relative to the repository root: " + dir);
        }
        for (String part : d.split("/")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("subdirectory must stay inside the repository: " + dir);
            }
        }
        checkNoControlCharacters("subdirectory", d);
        return d.equals(".") ? "" : d;
    }

    private static void checkNoControlCharacters(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
        }
    }

    public static Builder builder(String repository) {
        return new Builder(repository);
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder(repository);
        b.ref = ref;
        b.depth = depth;
        b.subdirectory = subdirectory;
        b.token = token;
        b.overrides = overrides;
        b.caches = caches;
        b.cloneTimeout = cloneTimeout;
        b.installTimeout = installTimeout;
        b.testTimeout = testTimeout;
        b.network = network;
        b.image = image;
        b.tokenSecret = tokenSecret;
        return b;
    }

    /** A copy with {@code image} (a variant name or a reference; null to choose from the project). */
    public PipelineRequest withImage(String image) {
        return toBuilder().image(image).build();
    }

    /** Builds a {@link PipelineRequest} with defaults: shallow clone, caches on, 5/15/30 minute timeouts. */
    public static final class Builder {
        private final String repository;
        private String ref = "";
        private int depth = 1;
        private String subdirectory = "";
        private SecretValue token;
        private Overrides overrides = Overrides.NONE;
        private CacheMounts caches = CacheMounts.defaults();
        private Duration cloneTimeout = Duration.ofMinutes(5);
        private Duration installTimeout = Duration.ofMinutes(15);
        private Duration testTimeout = Duration.ofMinutes(30);
        private PipelineNetwork network = PipelineNetwork.defaults();
        private String image;
        private String tokenSecret;
        private java.util.List<String> installAllow;
        private String testNetwork;

        private Builder(String repository) {
            this.repository = repository;
        }

        public Builder ref(String v) { ref = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder subdirectory(String v) { subdirectory = v; return this; }
        public Builder token(SecretValue v) { token = v; return this; }
        public Builder overrides(Overrides v) { overrides = v; return this; }
        public Builder installCommand(String v) { overrides = new Overrides(v, overrides.test()); return this; }
        public Builder testCommand(String v) { overrides = new Overrides(overrides.install(), v); return this; }
        public Builder caches(CacheMounts v) { caches = v; return this; }
        public Builder noCaches() { caches = CacheMounts.none(); return this; }
        public Builder cloneTimeout(Duration v) { cloneTimeout = v; return this; }
        public Builder installTimeout(Duration v) { installTimeout = v; return this; }
        public Builder testTimeout(Duration v) { testTimeout = v; return this; }
        /** Where the sandbox may connect to in each step (default {@link PipelineNetwork#defaults()}). */
        public Builder network(PipelineNetwork v) { network = v; installAllow = null; testNetwork = null; return this; }
        /**
         * Egress rules replacing the kind's registries during install (the git host is added); null for the
         * kind's registries. With {@link #testNetwork(String)}, a shortcut for {@link #network(PipelineNetwork)}.
         */
        public Builder installAllow(java.util.List<String> v) { installAllow = v; return this; }
        /** {@code "none"}, {@code "install"} or {@code "open"}; null for the kind's default. */
        public Builder testNetwork(String v) { testNetwork = v; return this; }
        /** {@value PipelineRequest#IMAGE_RUNTIME}, {@value PipelineRequest#IMAGE_FULL} or an image reference; null to choose. */
        public Builder image(String v) { image = v; return this; }
        /** The NAME of a secret holding the token (the durable workflow's way to give one). */
        public Builder tokenSecret(String v) { tokenSecret = v; return this; }

        public PipelineRequest build() {
            String repo = repository;
            SecretValue secret = token;
            String embedded = repo == null ? null : embeddedSecret(repo);
            if (embedded != null) {
                repo = stripUserInfo(repo);
                if (secret == null) {
                    secret = SecretValue.of(embedded);
                }
            }
            PipelineNetwork net = network;
            if (installAllow != null || testNetwork != null) {
                net = PipelineParameters.network(installAllow != null ? installAllow : net.installAllow(),
                        testNetwork != null ? testNetwork : net.testNetwork() == null ? null : net.testNetwork().id());
            }
            return new PipelineRequest(repo, ref, depth, subdirectory, secret, overrides, caches, cloneTimeout,
                    installTimeout, testTimeout, net, image, tokenSecret);
        }
    }
}
