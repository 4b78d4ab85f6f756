package dev.sluice.fault;

import dev.sluice.ws.FramePieces;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * A message fault that changes which frames go on, at once (dropping or repeating them): it
 * walks each buffer's frame pieces with a scanner of its own and passes the bytes it keeps as
 * views of the buffer ({@link #runs}). Bytes that are not WebSocket framing pass unchanged.
 */
abstract class RewritingStep extends FaultStep implements FramePieces.Consumer {
    final FrameScanner scanner;
    final MessageSelector selector;
    final PassedRuns runs = new PassedRuns();
    /** The buffer being walked and where its bytes go, during {@link #onBytes}. */
    ByteBuffer bytes;
    Downstream downstream;

    RewritingStep(ActiveFault fault, StageContext context) {
        this.scanner = new FrameScanner(context.direction().masked());
        this.selector = new MessageSelector(fault, this);
    }

    @Override
    public final void onBytes(ByteBuffer bytes, Downstream downstream) {
        this.bytes = bytes;
        this.downstream = downstream;
        FramePieces.walk(scanner, bytes, this);
        runs.pass(bytes, downstream);
        this.bytes = null;
    }

    @Override
    public final void outOfSync(int from, int to) {
        runs.keep(from, to);
    }

    /** A message it is altering is altered whole, even once the fault is removed. */
    @Override
    final boolean quiescent() {
        return !selector.insideChosenMessage();
    }
}
