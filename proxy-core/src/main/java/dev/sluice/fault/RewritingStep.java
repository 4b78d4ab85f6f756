package dev.sluice.fault;

import dev.sluice.ws.FramePieces;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.StageContext;

import java.nio.ByteBuffer;

/**
 * A message fault that changes which frames go on, at once (dropping or repeating them): it
 * walks each buffer's frame pieces with a scanner of its own and passes the bytes it keeps as
 * views of the buffer ({@link #runs}). Bytes that are not WebSocket framing pass unchanged.
 *
 * <p>It tells the recording which message it dropped or repeated, by the number the sender gave
 * it. What it sees is numbered from where it started, less what steps in front of it added or
 * took away: {@link #net} is that for the steps behind it.
 */
abstract class RewritingStep extends FaultStep implements FramePieces.Consumer {
    /** The sender's number of a message a step sees, from how many it has seen; set by its chain. */
    @FunctionalInterface
    interface Numbering {
        long numberOf(boolean control, long seen);
    }

    final FrameScanner scanner;
    final MessageSelector selector;
    final PassedRuns runs = new PassedRuns();
    private final ActiveFault fault;
    private final StageContext context;
    private Numbering numbering = (control, seen) -> 0;
    /** Data messages (and control frames) passed on so far less those received: negative for drops. */
    private long dataNet;
    private long controlNet;
    /** The buffer being walked and where its bytes go, during {@link #onBytes}. */
    ByteBuffer bytes;
    Downstream downstream;

    RewritingStep(ActiveFault fault, StageContext context) {
        this.fault = fault;
        this.context = context;
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

    void numbering(Numbering numbering) {
        this.numbering = numbering;
    }

    @Override
    long numberOf(boolean control, long seen) {
        return numbering.numberOf(control, seen);
    }

    long net(boolean control) {
        return control ? controlNet : dataNet;
    }

    /**
     * The chosen message (or control frame) just ended, and the peer gets it {@code change}
     * more times than it was sent (-1: dropped, +1: repeated, which is about to go on):
     * counted, and marked in the recording.
     */
    final void altered(boolean control, int change, String effect) {
        if (control) {
            controlNet += change;
        } else {
            dataNet += change;
        }
        long number = selector.chosenNumber(control);
        if (number > 0) {
            context.markMessage(control, number, fault.name(), effect);
        }
    }
}
