package dev.sandboxjobs.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Asks Anthropic's Messages API for the code, as the seed's tutorials do, with the JDK's HTTP
 * client. The API key comes from {@code ANTHROPIC_API_KEY} and is only ever sent in the request
 * header; the model from {@code ANTHROPIC_MODEL} (default {@value #DEFAULT_MODEL}).
 *
 * <pre>{@code
 * CodeGenerator model = AnthropicCodeGenerator.fromEnvironment();
 * String code = model.generate("What is the 100th Fibonacci number?", "");
 * }</pre>
 *
 * <p>Not used by the tests (they have no network access to the API nor a key).
 */
public final class AnthropicCodeGenerator implements CodeGenerator {
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiKey;
    private final String model;
    private final URI endpoint;

    public AnthropicCodeGenerator(String apiKey, String model, URI endpoint) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.model = Objects.requireNonNull(model, "model");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Reads {@code ANTHROPIC_API_KEY} (required) and {@code ANTHROPIC_MODEL}. */
    public static AnthropicCodeGenerator fromEnvironment() {
        String key = System.getenv("ANTHROPIC_API_KEY");
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("Set ANTHROPIC_API_KEY to use --anthropic, or pass --code / --code-file.");
        }
        String model = System.getenv().getOrDefault("ANTHROPIC_MODEL", DEFAULT_MODEL);
        return new AnthropicCodeGenerator(key, model, URI.create("https://api.anthropic.com/v1/messages"));
    }

    @Override
    public String generate(String question, String context) {
        String prompt = (context == null || context.isBlank() ? "" : context + "\n\n")
                + "Generate Python code to answer: \"" + question + "\"\n"
                + "Requirements:\n- Use the Python standard library, pandas, numpy and matplotlib only\n"
                + "- Print the result with print(); save a chart to /workspace/chart.png if one helps\n"
                + "- Keep the code simple and safe\nReturn ONLY the code, no explanations.";
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 2048);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(120))
                    .header("content-type", "application/json")
                    .header("x-api-key", apiKey)
                    .header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("The model API answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode content = JSON.readTree(response.body()).path("content");
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asText("")));
            return stripFences(text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach the model API", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        }
    }

    /** Removes a Markdown code fence around the code, if the model added one. */
    static String stripFences(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int firstLine = t.indexOf('\n');
            int end = t.lastIndexOf("```");
            if (firstLine > 0 && end > firstLine) {
                return t.substring(firstLine + 1, end).strip() + "\n";
            }
        }
        return t + "\n";
    }
}
