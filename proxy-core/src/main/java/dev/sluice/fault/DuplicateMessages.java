package dev.sluice.fault;

import dev.sluice.tunnel.FramePieces;
import dev.sluice.tunnel.FrameScanner;
import dev.sluice.tunnel.StageContext;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * {@code duplicate-messages}: each chosen message is passed on, then its frames once more, byte
 * for byte (masks included), right after its last frame. Control frames that came between its
 * fragments are not repeated. A message over {@link #MAX_COPY} bytes passes once.
 */
final class DuplicateMessages extends FaultStep implements FramePieces.Consumer {
    static final int MAX_COPY = 16 * 1024 * 1024;

    private final FrameScanner scanner;
    private final MessageSelector selector;
    private final ByteArrayOutputStream messageCopy = new ByteArrayOutputStream();
    private final ByteArrayOutputStream controlCopy = new ByteArrayOutputStream();
    private boolean tooLarge;
    private ByteBuffer bytes;
    private Downstream downstream;
    private final PassedRuns runs = new PassedRuns();

    DuplicateMessages(ActiveFault fault, StageContext context) {
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
        runs.keep(from, to);
        boolean control = scanner.frameIsControl();
        if (!selector.chosen(scanner, startsFrame)) {
            selector.endsUnit(scanner, endsFrame);
            return;
        }
        ByteArrayOutputStream copy = control ? controlCopy : messageCopy;
        boolean copying = control || !tooLarge;
        if (copying && copy.size() + (to - from) > MAX_COPY) {
            tooLarge = true; // only a data message can be this large: control frames are at most 131 bytes
            copying = false;
            copy.reset();
        }
        if (copying) {
            for (int i = from; i < to; i++) {
                copy.write(bytes.get(i));
            }
        }
        if (selector.endsUnit(scanner, endsFrame)) {
            runs.pass(bytes, downstream);
            if (copying) {
                downstream.onBytes(ByteBuffer.wrap(copy.toByteArray()));
            }
            copy.reset();
            if (!control) {
                tooLarge = false;
            }
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
