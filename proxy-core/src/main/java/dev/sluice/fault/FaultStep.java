package dev.sluice.fault;

import dev.sluice.ws.Stage;

/**
 * One fault acting on one direction of one tunnel: a {@link Stage} that can be retired. A fault
 * removed at run time stops acting on new bytes at once, but its step stays in the chain until
 * it is {@link #quiescent()}: bytes it holds go out first, and a message it is dropping is
 * dropped whole, so the stream stays valid and in order.
 */
abstract class FaultStep implements Stage {
    private boolean retired;

    /** The fault was removed: act on nothing new from here on. */
    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    /** The number the sender gave the message (or control frame) this step sees as its {@code seen}-th; 0 when not known. */
    long numberOf(boolean control, long seen) {
        return 0;
    }

    /** Whether the step may leave the chain: it holds nothing and is not inside a message it alters. */
    boolean quiescent() {
        return held() == 0;
    }
}
