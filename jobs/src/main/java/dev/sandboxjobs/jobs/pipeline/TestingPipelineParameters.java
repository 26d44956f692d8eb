package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The parameters of the {@value TestingPipelineWorkflow#NAME} workflow, stored with the run as
 * JSON (unset fields are left out). Only {@code repository} is required.
 *
 * <pre>{@code
 * TestingPipelineParameters p = TestingPipelineParameters.builder("https://git.example.com/app.git")
 *         .ref("main").testCommand("npm run test:ci").testTimeoutSeconds(600)
 *         .tokenSecret("GIT_TOKEN")     // a NAME resolved by the engine's SecretResolver, never the value
 *         .build();
 * jobs.submit(TestingPipelineWorkflow.request(p).build());
 * }</pre>
 *
 * @param repository            a git URL or a local directory of the engine's host
 * @param ref                   branch, tag or commit SHA; null for the default branch
 * @param subdirectory          the project's directory inside the repository; null for the root
 * @param installCommand        a shell line replacing the detected install ({@code ""}: install nothing)
 * @param testCommand           a shell line replacing the detected test command
 * @param cloneTimeoutSeconds   limit of the clone step (default 300)
 * @param installTimeoutSeconds limit of the install step (default 900)
 * @param testTimeoutSeconds    limit of the test step (default 1800)
 * @param cache                 whether the dependency-cache volumes are used (default true)
 * @param image                 {@code "runtime"} (default), {@code "full"}, or an image reference
 * @param tokenSecret           the NAME of a secret holding a token for a private repository
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record TestingPipelineParameters(String repository, String ref, String subdirectory, String installCommand,
        String testCommand, Integer cloneTimeoutSeconds, Integer installTimeoutSeconds, Integer testTimeoutSeconds,
        Boolean cache, String image, String tokenSecret) {

    /** The image variant of the runtime image (Node/npm, Python, make, git). */
    public static final String IMAGE_RUNTIME = "runtime";
    /** The image variant with Go, JDK 17 + Maven, Rust and pytest. */
    public static final String IMAGE_FULL = "full";

    public TestingPipelineParameters {
        Objects.requireNonNull(repository, "repository");
    }

    /** Whether the caches are used. */
    public boolean useCache() {
        return cache == null || cache;
    }

    public static Builder builder(String repository) {
        return new Builder(repository);
    }

    public static final class Builder {
        private final String repository;
        private String ref;
        private String subdirectory;
        private String installCommand;
        private String testCommand;
        private Integer cloneTimeoutSeconds;
        private Integer installTimeoutSeconds;
        private Integer testTimeoutSeconds;
        private Boolean cache;
        private String image;
        private String tokenSecret;

        private Builder(String repository) {
            this.repository = repository;
        }

        public Builder ref(String v) { ref = v; return this; }
        public Builder subdirectory(String v) { subdirectory = v; return this; }
        public Builder installCommand(String v) { installCommand = v; return this; }
        public Builder testCommand(String v) { testCommand = v; return this; }
        public Builder cloneTimeoutSeconds(Integer v) { cloneTimeoutSeconds = v; return this; }
        public Builder installTimeoutSeconds(Integer v) { installTimeoutSeconds = v; return this; }
        public Builder testTimeoutSeconds(Integer v) { testTimeoutSeconds = v; return this; }
        public Builder cache(Boolean v) { cache = v; return this; }
        public Builder image(String v) { image = v; return this; }
        public Builder tokenSecret(String v) { tokenSecret = v; return this; }

        public TestingPipelineParameters build() {
            return new TestingPipelineParameters(repository, ref, subdirectory, installCommand, testCommand,
                    cloneTimeoutSeconds, installTimeoutSeconds, testTimeoutSeconds, cache, image, tokenSecret);
        }
    }
}
