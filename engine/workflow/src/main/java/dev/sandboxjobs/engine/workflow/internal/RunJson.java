package dev.sandboxjobs.engine.workflow.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of runs: parameters, results, labels and sandbox specs, as stored and as given. */
final class RunJson {
    private final ObjectMapper mapper;

    RunJson(ObjectMapper mapper) {
        this.mapper = mapper.copy().registerModule(new JavaTimeModule());
    }

    ObjectMapper mapper() {
        return mapper;
    }

    String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new JobException(JobErrorCode.INVALID_ARGUMENT, "Cannot write " + value.getClass().getName()
                    + " as JSON: " + e.getOriginalMessage() + ". Return records, maps, lists or JsonNodes.", e);
        }
    }

    JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    <T> T read(String text, Class<T> type) throws JsonProcessingException {
        return mapper.readValue(text, type);
    }

    Map<String, String> readMap(String text) {
        try {
            return text == null ? Map.of() : mapper.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    SandboxSpec readSpec(String text) {
        try {
            return text == null ? null : mapper.readValue(text, SandboxSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored sandbox spec is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** A run's parameters as an object node; {@code INVALID_PARAMETERS} when they cannot be one. */
    JsonNode parameters(Object p) {
        if (p == null) {
            return mapper.createObjectNode();
        }
        JsonNode node;
        try {
            node = p instanceof JsonNode n ? n : mapper.valueToTree(p);
        } catch (IllegalArgumentException e) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Parameters cannot be turned into JSON: "
                    + e.getMessage() + ". Pass a JsonNode, a Map or a serialisable object.", e);
        }
        if (!(node instanceof ObjectNode)) {
            throw new JobException(JobErrorCode.INVALID_PARAMETERS, "Parameters must be a JSON object, got "
                    + node.getNodeType() + ". Pass a Map or an ObjectNode.");
        }
        return node;
    }
}
