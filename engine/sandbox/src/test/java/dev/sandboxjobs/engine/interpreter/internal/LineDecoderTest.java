package dev.sandboxjobs.engine.interpreter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {
    private final List<String> lines = new ArrayList<>();

    private void feedOneByteAtATime(LineDecoder decoder, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            decoder.feed(new byte[] {b}, 0, 1);
        }
    }

    @Test
    void linesSplitAcrossChunksAndInsideMultiByteCharactersComeOutWhole() {
        LineDecoder decoder = new LineDecoder(1024, lines::add);

        feedOneByteAtATime(decoder, "héllo → wörld\r\nsecond\n");

        assertThat(lines).containsExactly("héllo → wörld", "second");
    }

    @Test
    void manyLinesInOneChunkAreSplitAndAnUnfinishedLineWaits() {
        LineDecoder decoder = new LineDecoder(1024, lines::add);
        byte[] bytes = "a\nb\n\nc".getBytes(StandardCharsets.UTF_8);

        decoder.feed(bytes, 0, bytes.length);

        assertThat(lines).containsExactly("a", "b", "");
    }

    @Test
    void aLineOverTheLimitIsDroppedAndReportedAndTheNextLineIsFine() {
        LineDecoder decoder = new LineDecoder(8, lines::add);

        feedOneByteAtATime(decoder, "0123456789abcdef\nok\n");

        assertThat(lines).containsExactly(null, "ok");
    }
}
