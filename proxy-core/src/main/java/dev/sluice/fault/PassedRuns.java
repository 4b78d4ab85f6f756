package dev.sluice.fault;

import dev.sluice.ws.Stage;

import java.nio.ByteBuffer;

/**
 * The bytes of one buffer that a message step keeps, gathered into runs: each run goes on as one
 * view of the buffer, so a step that drops or adds frames passes everything else uncopied.
 */
final class PassedRuns {
    private int start = -1;
    private int end;

    /** Keeps bytes {@code from} to {@code to}, which follow the ones kept last. */
    void keep(int from, int to) {
        if (start < 0) {
            start = from;
        }
        end = to;
    }

    /** Passes the run kept so far on, if any, and starts a new one. */
    void pass(ByteBuffer bytes, Stage.Downstream downstream) {
        if (start >= 0) {
            downstream.onBytes(bytes.duplicate().limit(end).position(start));
            start = -1;
        }
    }
}
