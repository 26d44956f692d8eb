package dev.sandboxjobs.engine.workflow.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests move forward; it also ticks with real time so timers still make sense. */
final class MutableClock extends Clock {
    private final long startNanos = System.nanoTime();
    private volatile Instant base;

    MutableClock(Instant start) {
        this.base = start;
    }

    void advance(Duration d) {
        base = base.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return base.plusNanos(System.nanoTime() - startNanos);
    }
}
