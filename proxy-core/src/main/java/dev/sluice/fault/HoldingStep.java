package dev.sluice.fault;

import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * A fault step that passes bytes on later through {@link HeldBytes}: its end waits for them.
 * Once the fault is removed (retired) it passes bytes on at once, behind what it still holds.
 */
abstract class HoldingStep extends FaultStep {
    final HeldBytes held;

    HoldingStep(StageContext context) {
        this.held = new HeldBytes(context);
    }

    /** Steps that decide per message (delay-messages) override this, and watch retirement themselves. */
    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        long now = System.nanoTime();
        if (retired()) {
            held.pass(bytes, now, downstream);
        } else {
            hold(bytes, now, downstream);
        }
    }

    /** Passes {@code bytes} on through {@link #held}, when the fault says; {@code now} is the time they came. */
    void hold(ByteBuffer bytes, long now, Downstream downstream) {
        held.pass(bytes, now, downstream);
    }

    /** Passes {@code bytes} on in pieces of {@code piece} bytes, each when {@code pace} lets it go. */
    final void passPaced(ByteBuffer bytes, int piece, long now, Pace pace, PieceCost cost, Downstream downstream) {
        held.passPaced(bytes, now, piece, pace, cost, downstream);
    }

    /** How long a piece of this many bytes keeps the pace busy. */
    @FunctionalInterface
    interface PieceCost {
        long nanos(int bytes);
    }

    @Override
    public long held() {
        return held.held();
    }

    @Override
    public void onEnd(Runnable proceed) {
        held.whenEmpty(proceed);
    }
}
