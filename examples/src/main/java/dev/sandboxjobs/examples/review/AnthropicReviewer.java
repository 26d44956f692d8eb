package dev.sandboxjobs.examples.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.examples.review.ReviewComment.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reviewer asking Anthropic's Messages API (the JDK's HTTP client) to review the unified diff.
 * The API key comes from {@code ANTHROPIC_API_KEY} and is only ever sent in the request header;
 * the model from {@code ANTHROPIC_MODEL} (default {@value #DEFAULT_MODEL}). The model answers one
 * comment per line as {@code path:line:severity:message}; lines of another shape, and comments on
 * files the pull request does not change, are dropped.
 *
 * <pre>{@code
 * Reviewer both = (sandbox, changes) -> {
 *     List<ReviewComment> all = new ArrayList<>(new LinterReviewer().review(sandbox, changes));
 *     all.addAll(AnthropicReviewer.fromEnvironment().review(sandbox, changes));
 *     return all;
 * };
 * }</pre>
 *
 * <p>Not used by the tests against the network (they have neither access to the API nor a key).
 */
public final class AnthropicReviewer implements Reviewer {
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMENT = Pattern.compile("^\\s*[-*]?\\s*`?([^:`]+)`?:(\\d{1,9}):(error|warning|info):\\s*(.+)$",
            Pattern.CASE_INSENSITIVE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiKey;
    private final String model;
    private final URI endpoint;

    public AnthropicReviewer(String apiKey, String model, URI endpoint) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.model = Objects.requireNonNull(model, "model");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Reads {@code ANTHROPIC_API_KEY} (required) and {@code ANTHROPIC_MODEL}. */
    public static AnthropicReviewer fromEnvironment() {
        String key = System.getenv("ANTHROPIC_API_KEY");
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("Set ANTHROPIC_API_KEY to use --anthropic, or leave it out to run the linters.");
        }
        String model = System.getenv().getOrDefault("ANTHROPIC_MODEL", DEFAULT_MODEL);
        return new AnthropicReviewer(key, model, URI.create("https://api.anthropic.com/v1/messages"));
    }

    @Override
    public List<ReviewComment> review(Sandbox sandbox, ChangeSet changes) {
        String prompt = "Review this pull request's diff. Report real problems only (bugs, security issues,"
                + " unclear code), one per line, exactly as\npath:line:severity:message\nwhere line is the line"
                + " number in the new version of the file and severity is error, warning or info. Write nothing"
                + " else. If there is nothing to report, write nothing.\n\n```diff\n" + changes.diff() + "\n```";
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 4096);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(180))
                    .header("content-type", "application/json")
                    .header("x-api-key", apiKey)
                    .header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("The model API answered " + response.statusCode() + ": " + response.body());
            }
            StringBuilder text = new StringBuilder();
            JsonNode content = JSON.readTree(response.body()).path("content");
            content.forEach(part -> text.append(part.path("text").asText("")));
            Set<String> changed = Set.copyOf(changes.files().stream().map(ChangeSet.ChangedFile::path).toList());
            return parse(text.toString(), changed);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach the model API", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        }
    }

    /** The comments in the model's answer on files in {@code changed}, each marked as the model's. */
    static List<ReviewComment> parse(String answer, Set<String> changed) {
        List<ReviewComment> comments = new ArrayList<>();
        for (String line : answer.lines().toList()) {
            Matcher m = COMMENT.matcher(line);
            if (m.matches() && changed.contains(m.group(1).strip())) {
                comments.add(new ReviewComment(m.group(1).strip(), Integer.parseInt(m.group(2)),
                        Severity.valueOf(m.group(3).toUpperCase(Locale.ROOT)), "[model] " + m.group(4).strip()));
            }
        }
        return comments;
    }
}
