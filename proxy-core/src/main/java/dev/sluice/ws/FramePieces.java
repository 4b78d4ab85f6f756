package dev.sluice.ws;

import java.nio.ByteBuffer;

/**
 * Cuts bytes into pieces that each lie within one WebSocket frame, feeding them to a
 * {@link FrameScanner} as it goes, for stages that act on whole frames or messages. When a
 * piece is reported the scanner has read it, so {@link FrameScanner#frameOpcode()} and
 * {@link FrameScanner#frameFin()} describe the piece's frame, and its header, if it ends in the
 * piece, has been read whole.
 */
public final class FramePieces {

    public interface Consumer {
        /**
         * Bytes {@code from} (inclusive) to {@code to} (exclusive) of the buffer, all of one frame.
         *
         * @param startsFrame the piece begins with the frame's first header byte
         * @param endsFrame   the piece ends with the frame's last byte
         */
        void piece(int from, int to, boolean startsFrame, boolean endsFrame);

        /** From {@code from} on the stream is not WebSocket framing the scanner can follow (for good). */
        void outOfSync(int from, int to);
    }

    private FramePieces() {
    }

    /** Walks the buffer's bytes from position to limit; leaves its position and limit as they were. */
    public static void walk(FrameScanner scanner, ByteBuffer bytes, Consumer consumer) {
        ByteBuffer view = bytes.duplicate();
        int limit = bytes.limit();
        int at = bytes.position();
        while (at < limit) {
            if (!scanner.inSync()) {
                scanner.scan(view.limit(limit).position(at));
                consumer.outOfSync(at, limit);
                return;
            }
            int from = at;
            boolean starts = scanner.atFrameBoundary();
            // Inside a header the frame's length is not known yet: read the header a byte at a time.
            while (at < limit && scanner.inSync() && (at == from && starts || scanner.bytesToBoundary() < 0)) {
                scanner.scan(view.limit(at + 1).position(at));
                at++;
            }
            if (!scanner.inSync()) {
                // the header just read broke the framing: its frame's bytes are not framing either
                scanner.scan(view.limit(limit).position(at));
                consumer.outOfSync(from, limit);
                return;
            }
            long left = scanner.bytesToBoundary();
            if (left > 0 && at < limit) {
                int n = (int) Math.min(left, limit - at);
                scanner.scan(view.limit(at + n).position(at));
                at += n;
            }
            consumer.piece(from, at, starts, scanner.atFrameBoundary());
        }
    }
}
