package dev.sluice.fault;

import dev.sluice.tunnel.FramePieces;
import dev.sluice.tunnel.FrameScanner;
import dev.sluice.tunnel.StageContext;

import java.nio.ByteBuffer;

/**
 * {@code drop-messages}: the chosen messages are not passed on, every frame of them (fragments
 * included); frames between them, and every other byte, pass unchanged. Each frame carries its
 * own mask, so the stream stays valid for the peer.
 */
final class DropMessages extends FaultStep implements FramePieces.Consumer {
    private final FrameScanner scanner;
    private final MessageSelector selector;
    private ByteBuffer bytes;
    private Downstream downstream;
    private final PassedRuns runs = new PassedRuns();

    DropMessages(ActiveFault fault, StageContext context) {
        this.scanner = new FrameScanner(context.direction().masked());
        this.selector = new MessageSelector(fault, this);
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        this.bytes = bytes;
        this.downstream = downstream;
        FramePieces.walk(scanner, bytes, this);
        runs.pass(bytes, downstream);
        this.bytes = null;
    }

    @Override
    public void piece(int from, int to, boolean startsFrame, boolean endsFrame) {
        boolean dropped = selector.chosen(scanner, startsFrame);
        selector.endsUnit(scanner, endsFrame);
        if (dropped) {
            runs.pass(bytes, downstream);
        } else {
            runs.keep(from, to);
        }
    }

    @Override
    public void outOfSync(int from, int to) {
        runs.keep(from, to);
    }

    @Override
    boolean quiescent() {
        return !selector.insideChosenMessage();
    }
}
