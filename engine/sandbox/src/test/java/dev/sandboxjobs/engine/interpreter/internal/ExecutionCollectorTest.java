package dev.sandboxjobs.engine.interpreter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.Result;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void send(ExecutionCollector collector, String event) throws Exception {
        JsonNode node = JSON.readTree(event);
        collector.onEvent(node.path("type").asText(), node);
    }

    @Test
    void chunksBecomeLinesAndCallbacksSeeTheChunksAsTheyCome() throws Exception {
        List<String> streamed = new ArrayList<>();
        ExecutionCollector collector = new ExecutionCollector("1", "code",
                RunCodeOptions.builder().onStdout(streamed::add).build());

        send(collector, "{\"type\":\"stdout\",\"id\":\"1\",\"text\":\"par\"}");
        send(collector, "{\"type\":\"stdout\",\"id\":\"1\",\"text\":\"tial\\nnext\\nlast\"}");
        send(collector, "{\"type\":\"done\",\"id\":\"1\",\"executionCount\":4}");

        Execution execution = collector.done.join();
        assertThat(execution.logs().stdout()).containsExactly("partial", "next", "last");
        assertThat(streamed).containsExactly("par", "tial\nnext\nlast");
        assertThat(execution.executionCount()).isEqualTo(4);
        assertThat(execution.success()).isTrue();
    }

    @Test
    void resultsKeepEveryRepresentationAndJsonStaysJson() throws Exception {
        ExecutionCollector collector = new ExecutionCollector("1", "code", RunCodeOptions.defaults());

        send(collector, "{\"type\":\"result\",\"id\":\"1\",\"isMainResult\":true,\"data\":{\"text/plain\":\"{'a': 1}\","
                + "\"application/json\":{\"a\":1},\"image/png\":\"iVBORw0KGgo=\"},\"chart\":{\"type\":\"line\"}}");
        send(collector, "{\"type\":\"done\",\"id\":\"1\",\"executionCount\":1}");

        Result result = collector.done.join().results().get(0);
        assertThat(result.text()).isEqualTo("{'a': 1}");
        assertThat(result.json()).isEqualTo("{\"a\":1}");
        assertThat(result.pngBytes()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(result.chart()).isEqualTo("{\"type\":\"line\"}");
        assertThat(result.formats()).containsExactly("text", "json", "png", "chart");
        assertThat(result.isMainResult()).isTrue();
    }

    @Test
    void aThrowingCallbackDoesNotLoseTheRun() throws Exception {
        ExecutionCollector collector = new ExecutionCollector("1", "code", RunCodeOptions.builder()
                .onStdout(text -> {
                    throw new IllegalStateException("callback bug");
                }).build());

        send(collector, "{\"type\":\"stdout\",\"id\":\"1\",\"text\":\"a\\n\"}");
        send(collector, "{\"type\":\"error\",\"id\":\"1\",\"name\":\"ValueError\",\"value\":\"bad\",\"traceback\":[\"t1\",\"t2\"]}");
        send(collector, "{\"type\":\"done\",\"id\":\"1\",\"executionCount\":2}");

        Execution execution = collector.done.join();
        assertThat(execution.logs().stdout()).containsExactly("a");
        assertThat(execution.error().name()).isEqualTo("ValueError");
        assertThat(execution.error().traceback()).containsExactly("t1", "t2");
    }

    @Test
    void logsAreCappedWithAMarker() {
        ExecutionCollector collector = new ExecutionCollector("1", "code", RunCodeOptions.defaults());
        String line = "x".repeat(1023) + "\n";

        for (int i = 0; i < ExecutionCollector.MAX_LOG_CHARS / 1024 + 10; i++) {
            collector.stdout(line);
        }
        collector.finish(1);

        List<String> stdout = collector.done.join().logs().stdout();
        assertThat(stdout).hasSizeLessThanOrEqualTo(ExecutionCollector.MAX_LOG_CHARS / 1024 + 1);
        assertThat(stdout.get(stdout.size() - 1)).isEqualTo(ExecutionCollector.TRUNCATED);
    }
}
