package dev.sandboxjobs.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Checks a run's parameters at submission; returns the problems found (empty when valid). */
@FunctionalInterface
public interface ParameterValidator {
    ParameterValidator NONE = params -> List.of();

    List<String> validate(JsonNode parameters);

    /** A validator requiring that each of {@code names} is present and not null. */
    static ParameterValidator required(String... names) {
        return params -> {
            List<String> problems = new ArrayList<>();
            for (String n : names) {
                if (!params.hasNonNull(n)) {
                    problems.add("parameter \"" + n + "\" is required");
                }
            }
            return problems;
        };
    }
}
