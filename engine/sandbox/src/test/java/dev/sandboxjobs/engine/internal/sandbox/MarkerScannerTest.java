package dev.sandboxjobs.engine.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.OutputListener;
import dev.sandboxjobs.engine.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkerScannerTest {
    static final String TOKEN = "__SJ_END_0123456789abcdef01234567";

    @Test
    void outputBeforeTheMarkerIsOutputAndTheTrailerIsReported() {
        OutputSink sink = new OutputSink(StreamType.STDOUT, OutputListener.NONE, 1000);
        List<String> trailers = new ArrayList<>();
        MarkerScanner scanner = new MarkerScanner(TOKEN, sink, trailers::add);
        scanner.feed(bytes("hello" + TOKEN + " 0 /tmp\0ignored"));
        assertThat(scanner.done()).isTrue();
        assertThat(trailers).containsExactly(" 0 /tmp");
        assertThat(sink.finish()).isEqualTo("hello");
    }

    @Test
    void aMarkerSplitAcrossFramesIsStillFoundAtEveryCut() {
        String whole = "abc" + TOKEN.substring(0, 5) + "x" + TOKEN + " 7\0";
        for (int cut = 1; cut < whole.length(); cut++) {
            OutputSink sink = new OutputSink(StreamType.STDOUT, OutputListener.NONE, 1000);
            List<String> trailers = new ArrayList<>();
            MarkerScanner scanner = new MarkerScanner(TOKEN, sink, trailers::add);
            scanner.feed(bytes(whole.substring(0, cut)));
            scanner.feed(bytes(whole.substring(cut)));
            assertThat(trailers).as("cut at " + cut).containsExactly(" 7");
            assertThat(sink.finish()).isEqualTo("abc" + TOKEN.substring(0, 5) + "x");
        }
    }

    @Test
    void heldBackBytesAreFlushedWhenTheStreamEndsWithoutAMarker() {
        OutputSink sink = new OutputSink(StreamType.STDOUT, OutputListener.NONE, 1000);
        MarkerScanner scanner = new MarkerScanner(TOKEN, sink, t -> { });
        scanner.feed(bytes("tail__SJ_"));
        scanner.flush();
        assertThat(sink.finish()).isEqualTo("tail__SJ_");
    }

    @Test
    void theSinkDecodesUtf8SplitAcrossChunksAndCapsWhatItKeeps() {
        List<String> seen = new ArrayList<>();
        OutputSink sink = new OutputSink(StreamType.STDOUT, (s, d) -> seen.add(d), 3);
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        sink.write(new byte[] {'a', e[0]}, 0, 2);
        sink.write(new byte[] {e[1], 'b', 'c'}, 0, 3);
        assertThat(String.join("", seen)).isEqualTo("aébc");
        assertThat(sink.truncated()).isTrue();
        assertThat(sink.finish()).isEqualTo("aé" + ExecResult.TRUNCATION_MARKER);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
