package dev.sandboxjobs.jobs.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the workflow's JSON parameters to {@link PipelineParameters} with Jackson, strictly (no
 * coercion between strings, numbers and booleans; no fractions for whole numbers), one component at a
 * time so that every problem is listed rather than the first.
 */
final class ParameterBinding {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .build();

    private static final Map<String, Class<?>> COMPONENTS = new LinkedHashMap<>();

    static {
        for (RecordComponent c : PipelineParameters.class.getRecordComponents()) {
            COMPONENTS.put(c.getName(), c.getType());
        }
    }

    private ParameterBinding() {
    }

    /** {@code params} without the fields that {@link #typeProblems} finds wrong. */
    static com.fasterxml.jackson.databind.node.ObjectNode wellTyped(JsonNode params) {
        com.fasterxml.jackson.databind.node.ObjectNode good = STRICT.createObjectNode();
        params.fieldNames().forEachRemaining(name -> {
            Class<?> type = COMPONENTS.get(name);
            if (type != null && bindable(params.get(name), type)) {
                good.set(name, params.get(name));
            }
        });
        return good;
    }

    private static boolean bindable(JsonNode value, Class<?> type) {
        if (type == List.class) {
            if (!value.isArray()) {
                return false;
            }
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    return false;
                }
            }
            return true;
        }
        try {
            STRICT.treeToValue(value, type);
            return true;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Unknown names, secrets given as parameters, values of the wrong type, a missing repository. */
    static List<String> typeProblems(JsonNode params) {
        List<String> problems = new ArrayList<>();
        params.fieldNames().forEachRemaining(name -> {
            JsonNode value = params.get(name);
            Class<?> type = COMPONENTS.get(name);
            if (name.equals("token") || name.equals("password")) {
                problems.add("\"" + name + "\" is not a parameter: never put a secret in the parameters; give the"
                        + " NAME of a secret as \"tokenSecret\"");
            } else if (type == null) {
                problems.add("unknown parameter \"" + name + "\"");
            } else if (!value.isNull() && !bindable(value, type)) {
                problems.add("\"" + name + "\" must be " + (type == String.class ? "a string"
                        : type == List.class ? "a list of strings" : type == Boolean.class ? "true or false" : "a positive whole number of seconds"));
            }
        });
        if (!params.hasNonNull("repository")) {
            problems.add("parameter \"repository\" is required");
        }
        return problems;
    }
}
