package dev.sluice.fault;

import dev.sluice.tunnel.StageContext;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code latency}: each chunk read is passed on {@code latency} (± up to {@code jitter}) after it
 * arrived, in order. Like Toxiproxy's latency toxic the delay is per chunk, not per byte, and
 * chunks keep flowing while earlier ones wait (up to the pump's hold limit).
 */
final class Latency extends HoldingStep {
    private final long latencyNanos;
    private final long jitterNanos;

    Latency(Duration latency, Duration jitter, StageContext context) {
        super(context);
        this.latencyNanos = latency.toNanos();
        this.jitterNanos = jitter == null ? 0 : jitter.toNanos();
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        long now = System.nanoTime();
        if (retired()) {
            held.pass(bytes, now, downstream);
            return;
        }
        long jitter = jitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1);
        held.pass(bytes, now + Math.max(0, latencyNanos + jitter), downstream);
    }
}
