package dev.sandboxjobs.jobs.pipeline;

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
 */
public record PipelineRequest(String repository, String ref, int depth, String subdirectory, SecretValue token,
        Overrides overrides, CacheMounts caches, Duration cloneTimeout, Duration installTimeout,
        Duration testTimeout) {

    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/].*|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/.*");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{7,40}$");

    public PipelineRequest {
        Objects.requireNonNull(repository, "repository");
        ref = ref == null ? "" : ref;
        subdirectory = normalizeSubdirectory(subdirectory == null ? "" : subdirectory);
        overrides = overrides == null ? Overrides.NONE : overrides;
        caches = caches == null ? CacheMounts.defaults() : caches;
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
            return new PipelineRequest(repo, ref, depth, subdirectory, secret, overrides, caches, cloneTimeout,
                    installTimeout, testTimeout);
        }
    }
}
