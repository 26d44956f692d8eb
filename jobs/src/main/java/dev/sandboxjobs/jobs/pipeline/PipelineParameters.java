package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * The JSON form of a {@link PipelineRequest}: the parameters of the {@value TestingPipelineWorkflow#NAME}
 * workflow as they are submitted and stored with a run (unset fields are left out). This is the shape
 * that runs stored by 0.1 hold (it was the public {@code TestingPipelineParameters} then), so they
 * are read as they are; {@link Json} makes Jackson write and read a {@code PipelineRequest} through it.
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
 * @param image                 {@code "runtime"}, {@code "full"}, or an image reference; null to choose
 * @param tokenSecret           the NAME of a secret holding a token for a private repository
 * @param installAllow          egress rules replacing the registries of the project's kind during install
 * @param testNetwork           the test step's network: {@code "none"}, {@code "install"} or {@code "open"}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
record PipelineParameters(String repository, String ref, String subdirectory, String installCommand,
        String testCommand, Integer cloneTimeoutSeconds, Integer installTimeoutSeconds, Integer testTimeoutSeconds,
        Boolean cache, String image, String tokenSecret, java.util.List<String> installAllow, String testNetwork) {

    private static final PipelineRequest DEFAULTS = PipelineRequest.builder("defaults").build();

    PipelineParameters {
        Objects.requireNonNull(repository, "repository");
    }

    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final java.util.regex.Pattern IMAGE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");

    /** What is wrong with these values (types aside, which binding checks), empty when nothing is. */
    public java.util.List<String> problems() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        java.util.Map<String, Integer> timeouts = new java.util.LinkedHashMap<>();
        timeouts.put("cloneTimeoutSeconds", cloneTimeoutSeconds);
        timeouts.put("installTimeoutSeconds", installTimeoutSeconds);
        timeouts.put("testTimeoutSeconds", testTimeoutSeconds);
        timeouts.forEach((name, seconds) -> {
            if (seconds != null && seconds <= 0) {
                problems.add("\"" + name + "\" must be a positive whole number of seconds");
            }
        });
        if (tokenSecret != null && !VARIABLE.matcher(tokenSecret).matches()) {
            problems.add("\"tokenSecret\" must be a secret name (letters, digits, _), not " + tokenSecret);
        }
        if (image != null && !IMAGE.matcher(image).matches()) {
            problems.add("\"image\" must be \"runtime\", \"full\" or an image reference, not " + image);
        }
        if (testNetwork != null) {
            try {
                PipelineNetwork.TestNetwork.parse(testNetwork);
            } catch (IllegalArgumentException e) {
                problems.add("\"testNetwork\" must be \"none\", \"install\" or \"open\", not " + testNetwork);
            }
        }
        if (installAllow != null) {
            for (String rule : installAllow) {
                try {
                    dev.sandboxjobs.engine.egress.EgressRule.parse(rule);
                } catch (RuntimeException e) {
                    problems.add("\"installAllow\" holds a bad rule " + rule + ": " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * The request these parameters describe, with the default caches unless {@code cache} is false
     * (the workflow mounts its own). With {@code lenient}, values that {@link #problems()} finds wrong
     * are left out, so that the request's own checks add only their own problems.
     *
     * @throws IllegalArgumentException when the request refuses a value (its repository, ref, subdirectory)
     */
    PipelineRequest toRequest(boolean lenient) {
        boolean good = !lenient || problems().isEmpty();
        PipelineRequest.Builder b = PipelineRequest.builder(repository).ref(ref).subdirectory(subdirectory);
        if (installCommand != null) {
            b.installCommand(installCommand);
        }
        if (testCommand != null) {
            b.testCommand(testCommand);
        }
        if (cloneTimeoutSeconds != null && (good || cloneTimeoutSeconds > 0)) {
            b.cloneTimeout(Duration.ofSeconds(cloneTimeoutSeconds));
        }
        if (installTimeoutSeconds != null && (good || installTimeoutSeconds > 0)) {
            b.installTimeout(Duration.ofSeconds(installTimeoutSeconds));
        }
        if (testTimeoutSeconds != null && (good || testTimeoutSeconds > 0)) {
            b.testTimeout(Duration.ofSeconds(testTimeoutSeconds));
        }
        b.caches(cache == null || cache ? CacheMounts.defaults() : CacheMounts.none());
        if (good) {
            b.image(image).tokenSecret(tokenSecret).network(network(installAllow, testNetwork));
        }
        return b.build();
    }

    /**
     * The network that {@code installAllow} and {@code testNetwork} ask for.
     *
     * @throws IllegalArgumentException saying what is wrong, as {@link #problems()} does
     */
    static PipelineNetwork network(java.util.List<String> installAllow, String testNetwork) {
        java.util.List<String> problems = new PipelineParameters("-", null, null, null, null, null, null, null, null,
                null, null, installAllow, testNetwork).problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new PipelineNetwork(installAllow, testNetwork == null ? null : PipelineNetwork.TestNetwork.parse(testNetwork));
    }

    /**
     * The parameters of {@code request}: only what differs from the defaults is set. A token VALUE has
     * no place here (a durable run names a secret instead), nor has a clone depth other than 1: the
     * workflow refuses such requests ({@link TestingPipelineWorkflow#request(PipelineRequest)}).
     */
    static PipelineParameters of(PipelineRequest r) {
        return new PipelineParameters(r.repository(), r.ref().isEmpty() ? null : r.ref(),
                r.subdirectory().isEmpty() ? null : r.subdirectory(), r.overrides().install(), r.overrides().test(),
                seconds(r.cloneTimeout(), DEFAULTS.cloneTimeout()), seconds(r.installTimeout(), DEFAULTS.installTimeout()),
                seconds(r.testTimeout(), DEFAULTS.testTimeout()), r.caches().isEmpty() ? Boolean.FALSE : null,
                r.image(), r.tokenSecret(), r.network().installAllow(),
                r.network().testNetwork() == null ? null : r.network().testNetwork().id());
    }

    private static Integer seconds(Duration value, Duration defaultValue) {
        if (value.equals(defaultValue)) {
            return null;
        }
        if (value.isNegative() || value.isZero()) { // left for the checks to refuse
            return (int) Math.max(Integer.MIN_VALUE, value.toSeconds());
        }
        long s = value.toSeconds() + (value.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, s);
    }

    /** Jackson's way to a {@link PipelineRequest}: written and read as {@link PipelineParameters}. */
    static final class Json {
        private Json() {
        }

        static final class Writer extends JsonSerializer<PipelineRequest> {
            @Override
            public void serialize(PipelineRequest value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                serializers.defaultSerializeValue(of(value), gen);
            }
        }

        static final class Reader extends JsonDeserializer<PipelineRequest> {
            @Override
            public PipelineRequest deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode node = p.readValueAsTree();
                PipelineParameters parameters = ctxt.readTreeAsValue(node, PipelineParameters.class);
                try {
                    return parameters.toRequest(false);
                } catch (IllegalArgumentException e) {
                    throw com.fasterxml.jackson.databind.exc.ValueInstantiationException.from(p,
                            "not a valid pipeline request: " + e.getMessage(), ctxt.constructType(PipelineRequest.class), e);
                }
            }
        }
    }
}
