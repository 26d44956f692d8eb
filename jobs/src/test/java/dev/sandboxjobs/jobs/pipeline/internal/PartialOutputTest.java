package dev.sandboxjobs.jobs.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartialOutputTest {

    @Test
    void shortOutputIsKeptExactly() {
        SdkPipelineSandbox.Partial p = new SdkPipelineSandbox.Partial(10, 10);
        p.append("abc");
        p.append("def\n");

        assertThat(p.text()).isEqualTo("abcdef\n");
    }

    @Test
    void aHugeOutputKeepsItsStartAndItsEndWhereTheTotalsAre() {
        SdkPipelineSandbox.Partial p = new SdkPipelineSandbox.Partial(8, 16);
        p.append("HEAD....");
        for (int i = 0; i < 100_000; i++) {
            p.append("noise line " + i + "\n");
        }
        p.append("3 passing\n");

        String text = p.text();
        assertThat(text).startsWith("HEAD....").endsWith("3 passing\n").contains("characters cut");
        assertThat(text.length()).isLessThan(100);
    }
}
