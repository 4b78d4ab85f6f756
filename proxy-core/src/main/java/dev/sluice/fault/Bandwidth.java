package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * {@code bandwidth}: passes on at most {@code rate} bytes a second. Bytes go out in pieces of a
 * twentieth of a second's worth, each when the rate allows, so a slow rate trickles rather than
 * bursting a whole buffer.
 */
final class Bandwidth extends HoldingStep {
    private final long rate;
    private final int piece;
    private final Pace pace = new Pace();

    Bandwidth(long bytesPerSecond, StageContext context) {
        super(context);
        this.rate = bytesPerSecond;
        this.piece = Pace.piece(bytesPerSecond);
    }

    @Override
    void hold(ByteBuffer bytes, long now, Downstream downstream) {
        passPaced(bytes, piece, now, pace, n -> Pace.nanosFor(n, rate), downstream);
    }
}
