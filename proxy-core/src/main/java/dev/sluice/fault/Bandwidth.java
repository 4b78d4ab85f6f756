package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * {@code bandwidth}: passes on at most {@code rate} bytes a second. Bytes go out in pieces of a
 * twentieth of a second's worth, each when the rate allows, so a slow rate trickles rather than
 * bursting a whole buffer.
 */
final class Bandwidth extends HoldingStep {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    private final int piece;
    /** When the link is free again: the earliest the next piece may go. */
    private long freeAt = Long.MIN_VALUE;

    Bandwidth(long bytesPerSecond, StageContext context) {
        super(context);
        this.rate = bytesPerSecond;
        this.piece = (int) Math.max(1, Math.min(64 * 1024, bytesPerSecond / 20));
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        long now = System.nanoTime();
        if (retired()) {
            held.pass(bytes, now, downstream);
            return;
        }
        for (int at = bytes.position(); at < bytes.limit(); at += piece) {
            int end = Math.min(bytes.limit(), at + piece);
            long due = Math.max(now, freeAt);
            held.pass(bytes.duplicate().limit(end).position(at), due, downstream);
            freeAt = due + (end - at) * NANOS_PER_SECOND / rate;
        }
    }
}
