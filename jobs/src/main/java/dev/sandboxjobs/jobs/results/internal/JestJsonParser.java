package dev.sandboxjobs.jobs.results.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sandboxjobs.jobs.results.PrintedTotals;
import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Jest's {@code --json --outputFile=…} report: one case per assertion result ({@code ancestorTitles}
 * as the suite), a test file that failed to run as one errored case, and jest's own
 * {@code numTotalTests}… as the printed totals the cases are checked against.
 */
public final class JestJsonParser {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    public TestSummary parse(String name, byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            return new TestSummary("jest-json", 0, 0, 0, 0, Duration.ZERO, List.of(), false,
                    List.of(name + ": not a jest JSON report (" + e.getMessage().lines().findFirst().orElse("") + ")"));
        }
        List<TestCase> cases = new ArrayList<>();
        for (JsonNode file : root.path("testResults")) {
            String path = file.path("name").asText("");
            String shortPath = path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : path;
            JsonNode assertions = file.path("assertionResults");
            for (JsonNode a : assertions) {
                List<String> ancestors = new ArrayList<>();
                a.path("ancestorTitles").forEach(t -> ancestors.add(t.asText()));
                String status = a.path("status").asText("");
                TestStatus s = switch (status) {
                    case "passed" -> TestStatus.PASSED;
                    case "failed" -> TestStatus.FAILED;
                    default -> TestStatus.SKIPPED;   // pending, skipped, todo, disabled, focused
                };
                StringBuilder details = new StringBuilder();
                a.path("failureMessages").forEach(m -> details.append(Ansi.strip(m.asText())).append('\n'));
                String message = details.toString().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
                Duration d = a.path("duration").isNumber() ? Duration.ofMillis(a.path("duration").asLong()) : Duration.ZERO;
                cases.add(new TestCase(ancestors.isEmpty() ? shortPath : String.join(" > ", ancestors),
                        a.path("title").asText(""), s, d, message, details.toString().strip()));
            }
            String failure = file.path("failureMessage").asText("");
            if (assertions.isEmpty() && file.path("status").asText("").equals("failed")) {
                String text = Ansi.strip(failure);
                cases.add(new TestCase(shortPath, "Test suite failed to run", TestStatus.ERRORED, Duration.ZERO,
                        text.lines().filter(l -> !l.isBlank()).findFirst().orElse("the test file failed to run"), text));
            }
        }
        TestSummary summary = TestSummary.of("jest-json", cases, null, List.of());
        if (root.has("numTotalTests")) {
            int broken = root.path("numRuntimeErrorTestSuites").asInt();
            PrintedTotals printed = new PrintedTotals("jest", "numTotalTests " + root.path("numTotalTests").asInt()
                    + ", numPassedTests " + root.path("numPassedTests").asInt() + ", numFailedTests "
                    + root.path("numFailedTests").asInt() + ", numRuntimeErrorTestSuites " + broken,
                    root.path("numTotalTests").asInt() + broken, root.path("numPassedTests").asInt(),
                    root.path("numFailedTests").asInt() + broken,
                    root.path("numPendingTests").asInt() + root.path("numTodoTests").asInt());
            summary = summary.checkedAgainst(printed);
        }
        return summary;
    }
}
