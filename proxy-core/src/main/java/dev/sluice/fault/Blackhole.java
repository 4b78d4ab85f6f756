package dev.sluice.fault;

import java.nio.ByteBuffer;

/**
 * {@code blackhole}: reads and discards, so the sender is never slowed and the receiver waits
 * for bytes that never come (Toxiproxy's timeout toxic with timeout 0). What arrives while it is
 * on is lost for good, as on a link that drops everything.
 */
final class Blackhole extends FaultStep {
    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        if (retired()) {
            downstream.onBytes(bytes);
        }
    }
}
