package dev.sluice.ws;

import java.nio.ByteBuffer;

/**
 * One step that bytes take through a direction of a tunnel, between the source connection and
 * the sink connection: the frame scanner, recording, faults.
 *
 * <p>A stage gets the bytes just read, in order, and passes them on to {@code downstream}: at
 * once (the bytes themselves, or views of them), or later, on the tunnel's IO thread through
 * {@link StageContext#schedule}, as copies: the buffer belongs to the pump and is reused once
 * {@code onBytes} returns. It may pass on fewer bytes (a fault that drops), more (one that
 * duplicates) or in several pieces. While stages hold copies over {@link #HOLD_LIMIT} in all
 * the pump reads nothing more, so memory per direction stays bounded: every copy a stage keeps
 * counts in {@link #held()}, and a stage never waits for more bytes while it holds that much.
 */
public interface Stage {
    /** Bytes the stages of one direction may hold (a fault's delayed copies) before its pump stops reading. */
    long HOLD_LIMIT = 256 * 1024;

    void onBytes(ByteBuffer bytes, Downstream downstream);

    /** How many bytes the stage holds to pass on later. */
    default long held() {
        return 0;
    }

    /**
     * The source sent its last byte (a FIN). Call {@code proceed} once the end may pass on, after
     * every byte held; it is passed on to the sink when the last stage proceeds.
     */
    default void onEnd(Runnable proceed) {
        proceed.run();
    }

    /** Where a stage passes bytes on: the next stage, or the sink. */
    interface Downstream {
        void onBytes(ByteBuffer bytes);
    }
}
