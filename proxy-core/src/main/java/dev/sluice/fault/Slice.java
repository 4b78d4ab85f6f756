package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * {@code slice}: writes what it gets in segments of {@code segment} bytes, {@code delay} apart,
 * so the peer sees a message arrive in many small TCP reads (Toxiproxy's slicer): a test of
 * code that assumes one read is one message.
 */
final class Slice extends HoldingStep {
    private final int segment;
    private final long gapNanos;
    private final Pace pace = new Pace();

    Slice(long segment, Duration gap, StageContext context) {
        super(context);
        this.segment = (int) Math.min(Integer.MAX_VALUE, segment);
        this.gapNanos = gap == null ? 0 : gap.toNanos();
    }

    @Override
    void hold(ByteBuffer bytes, long now, Downstream downstream) {
        passPaced(bytes, segment, now, pace, n -> gapNanos, downstream);
    }
}
