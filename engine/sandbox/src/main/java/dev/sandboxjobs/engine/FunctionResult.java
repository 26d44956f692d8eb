package dev.sandboxjobs.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Objects;

/**
 * What a remote function returned ({@link SandboxOperations#callFunction}).
 *
 * @param value the return value as JSON ({@code null} becomes a JSON null node)
 * @param stdout what the function printed (capped like a command's output)
 * @param stderr what it wrote to standard error
 * @param duration how long the call took, from the engine's side
 */
public record FunctionResult(JsonNode value, String stdout, String stderr, Duration duration) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public FunctionResult {
        Objects.requireNonNull(value, "value");
    }

    /**
     * The value converted to {@code type} with Jackson ({@code Integer.class}, {@code Map.class}, a record...).
     *
     * @throws SandboxException {@link ErrorCode#FUNCTION_FAILED} when it does not fit the type
     */
    public <T> T as(Class<T> type) {
        try {
            return JSON.treeToValue(value, type);
        } catch (Exception e) {
            throw new SandboxException(ErrorCode.FUNCTION_FAILED, "The function's result " + value + " is not a "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
