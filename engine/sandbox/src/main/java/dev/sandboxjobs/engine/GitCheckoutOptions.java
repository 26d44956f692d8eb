package dev.sandboxjobs.engine;

/**
 * Options of {@code gitCheckout}.
 *
 * <pre>{@code
 * sandbox.gitCheckout("https://git.example.com/team/app.git", GitCheckoutOptions.builder()
 *         .branch("main").targetDir("/workspace/app").depth(1)
 *         .token(Secret.fromEnv("GIT_TOKEN"))
 *         .build());
 * }</pre>
 *
 * @param branch    branch or tag to check out (the remote's default when null)
 * @param targetDir where to clone (the repository's name under the session's directory when null)
 * @param depth     clone depth for a shallow clone (full history when null)
 * @param token     a token for a private repository over HTTPS; it is handed to git through a
 *                  credential helper's environment, never in a command line, the database or a message
 */
public record GitCheckoutOptions(String branch, String targetDir, Integer depth, Secret token) {
    public static final GitCheckoutOptions DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link GitCheckoutOptions}. */
    public static final class Builder {
        private String branch;
        private String targetDir;
        private Integer depth;
        private Secret token;

        private Builder() {}

        public Builder branch(String value) { branch = value; return this; }
        public Builder targetDir(String value) { targetDir = value; return this; }
        public Builder depth(int value) { depth = value; return this; }
        public Builder token(Secret value) { token = value; return this; }

        public GitCheckoutOptions build() {
            return new GitCheckoutOptions(branch, targetDir, depth, token);
        }
    }
}
