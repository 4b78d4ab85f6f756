package dev.sluice.tunnel;

import java.nio.ByteBuffer;

/**
 * One step that bytes take through a direction of a tunnel, between the source connection and
 * the sink connection: the frame scanner, and later faults.
 *
 * <p>A stage gets the bytes just read, in order, and passes them on to {@code downstream},
 * either at once or later on the same IO thread (a fault that delays them). While a stage holds
 * bytes the pump reads nothing more, exactly as when a write did not finish, so backpressure
 * and the one-buffer-per-direction bound stay as they are. A stage may pass on fewer bytes
 * than it got only when the tunnel is closing.
 */
interface Stage {
    void onBytes(ByteBuffer bytes, Downstream downstream);

    /** Where a stage passes bytes on: the next stage, or the sink. */
    interface Downstream {
        void onBytes(ByteBuffer bytes);
    }
}
