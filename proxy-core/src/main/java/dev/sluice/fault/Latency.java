package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * {@code latency}: each chunk read is passed on {@code latency} (± up to {@code jitter}) after it
 * arrived, in order. Like Toxiproxy's latency toxic the delay is per chunk, not per byte, and
 * chunks keep flowing while earlier ones wait (up to the pump's hold limit).
 */
final class Latency extends HoldingStep {
    private final ActiveFault fault;

    Latency(ActiveFault fault, StageContext context) {
        super(context);
        this.fault = fault;
    }

    @Override
    void hold(ByteBuffer bytes, long now, Downstream downstream) {
        held.pass(bytes, now + fault.latencyNanos(), downstream);
    }
}
