package dev.sluice.tunnel;

import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.Stage;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The first stage of each direction: lets the {@link FrameScanner} read the frame headers of
 * every byte going by. When the tunnel is closing it also ends the stream at the next frame
 * boundary, so that a Close frame of ours can follow a whole frame.
 */
final class FrameScannerStage implements Stage {
    private final FrameScanner scanner;
    /** The proxy's total of messages in this direction, which each message counted is added to. */
    private final LongAdder messagesTotal;
    /** The scanner's message count last added to {@link #messagesTotal}. */
    private long messagesAdded;
    private boolean endAtBoundary;
    private boolean cut;

    FrameScannerStage(FrameScanner scanner, LongAdder messagesTotal) {
        this.scanner = scanner;
        this.messagesTotal = messagesTotal;
    }

    FrameScanner scanner() {
        return scanner;
    }

    /** From now on pass on only the bytes up to the end of the frame in progress. */
    void endAtBoundary() {
        endAtBoundary = true;
        cut = scanner.atFrameBoundary();
    }

    /**
     * Whether the stream passed on has ended at a frame boundary, after {@link #endAtBoundary}:
     * a frame of ours may follow. Never while the framing is lost, where no boundary is known.
     */
    boolean cut() {
        return cut;
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        if (!endAtBoundary) {
            scanner.scan(bytes);
        } else if (cut) {
            scanner.scan(bytes);
            bytes.limit(bytes.position());
        } else {
            int end = bytes.position() + scanUpToBoundary(bytes);
            cut = scanner.atFrameBoundary();
            // The rest is not passed on, but read all the same: the peer's Close (and its code)
            // may be right behind the cut, and the scanner must not lose its place.
            scanner.scan(bytes.duplicate().position(end));
            bytes.limit(end);
        }
        long messages = scanner.messages();
        if (messages != messagesAdded) {
            messagesTotal.add(messages - messagesAdded);
            messagesAdded = messages;
        }
        downstream.onBytes(bytes);
    }

    /** Scans the bytes that finish the current frame, no further; returns how many. */
    private int scanUpToBoundary(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        int start = bytes.position();
        int at = start;
        while (at < bytes.limit() && !scanner.atFrameBoundary() && scanner.inSync()) {
            long left = scanner.bytesToBoundary();
            // Inside a header the frame's length is not known yet: read the header a byte at a time.
            int n = left < 0 ? 1 : (int) Math.min(left, bytes.limit() - at);
            scanner.scan(view.limit(at + n).position(at));
            at += n;
        }
        return at - start;
    }
}
