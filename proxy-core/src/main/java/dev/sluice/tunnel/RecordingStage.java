package dev.sluice.tunnel;

import dev.sluice.record.MessageLog;
import dev.sluice.record.WsMessage;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FramePieces;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.Stage;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Records the WebSocket messages going one way through a tunnel into its {@link MessageLog}:
 * each data message once its last fragment has passed (its length summed over the fragments,
 * its opcode and time from the first), and each control frame on its own. It follows the frames
 * with a {@link FrameScanner} of its own and passes every buffer on at once, untouched; payload
 * bytes are copied (and unmasked) only when the log keeps payloads. Where the stream stops being
 * WebSocket framing, recording stops for this direction.
 */
final class RecordingStage implements Stage, FramePieces.Consumer {
    private final Direction direction;
    private final MessageLog log;
    private final FrameScanner scanner;
    private final int maxPayload;
    private boolean stopped;
    /** The buffer being walked, for {@link #piece}. */
    private ByteBuffer walking;

    // The frame in progress.
    private Instant frameTime;
    /** Whether its header has been read whole and taken in. */
    private boolean frameBegun;
    private boolean frameControl;
    private int frameOpcode;
    private boolean frameFin;
    private long frameLength;
    private int frameMask;
    private long framePayloadSeen;
    /** Where its payload bytes go: the message's or the control frame's; null when payloads are not kept. */
    private Payload framePayload;

    // The data message in progress.
    private int messageOpcode;
    private Instant messageTime;
    private long messageLength;
    private Payload messagePayload;

    RecordingStage(Direction direction, MessageLog log) {
        this.direction = direction;
        this.log = log;
        this.scanner = new FrameScanner(direction.masked());
        this.maxPayload = log.maxPayloadBytes();
    }

    @Override
    public void onBytes(ByteBuffer bytes, Downstream downstream) {
        if (!stopped) {
            walking = bytes;
            FramePieces.walk(scanner, bytes, this);
            walking = null;
        }
        downstream.onBytes(bytes);
    }

    @Override
    public void piece(int from, int to, boolean startsFrame, boolean endsFrame) {
        if (startsFrame) {
            frameTime = Instant.now();
            frameBegun = false;
            framePayloadSeen = 0;
        }
        long left = scanner.bytesToBoundary();
        if (left < 0) {
            return; // the header goes on in the next buffer
        }
        if (!frameBegun) {
            frameBegun = true;
            beginFrame();
        }
        long seen = frameLength - left;
        int payloadBytes = (int) (seen - framePayloadSeen); // the piece's last bytes
        if (payloadBytes > 0 && framePayload != null) {
            framePayload.append(walking, to - payloadBytes, to, frameMask, framePayloadSeen);
        }
        framePayloadSeen = seen;
        if (endsFrame) {
            endFrame();
        }
    }

    @Override
    public void outOfSync(int from, int to) {
        stopped = true;
        framePayload = null;
        messagePayload = null;
    }

    private void beginFrame() {
        frameControl = scanner.frameIsControl();
        frameOpcode = scanner.frameOpcode();
        frameFin = scanner.frameFin();
        frameLength = scanner.framePayloadLength();
        frameMask = scanner.frameMaskKey();
        if (frameControl) {
            framePayload = maxPayload == 0 ? null : new Payload((int) Math.min(maxPayload, frameLength));
            return;
        }
        if (frameOpcode != 0) { // the first frame of a message; 0 is a continuation
            messageOpcode = frameOpcode;
            messageTime = frameTime;
            messageLength = 0;
            messagePayload = maxPayload == 0 ? null : new Payload(maxPayload);
        }
        messageLength += frameLength;
        framePayload = messagePayload;
    }

    private void endFrame() {
        if (frameControl) {
            log.add(new WsMessage(direction, frameOpcode, frameLength, frameTime, bytesOf(framePayload),
                    scanner.controlFrames(), null, null));
        } else if (frameFin) {
            log.add(new WsMessage(direction, messageOpcode, messageLength, messageTime, bytesOf(messagePayload),
                    scanner.messages(), null, null));
            messagePayload = null;
        }
        framePayload = null;
    }

    private static byte[] bytesOf(Payload payload) {
        return payload == null ? null : payload.toArray();
    }

    /** The first {@code limit} payload bytes of a message, unmasked. */
    private static final class Payload {
        private final int limit;
        private byte[] bytes;
        private int count;

        Payload(int limit) {
            this.limit = limit;
            this.bytes = new byte[Math.min(limit, 256)];
        }

        /**
         * Appends bytes {@code from} to {@code to} of the buffer (absolute, the buffer is not
         * moved), which are payload bytes {@code offset...} of a frame with this mask key.
         */
        void append(ByteBuffer buffer, int from, int to, int maskKey, long offset) {
            int n = Math.min(to - from, limit - count);
            if (n <= 0) {
                return;
            }
            if (count + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(count + n, 2L * bytes.length)));
            }
            for (int i = 0; i < n; i++) {
                int keyByte = (maskKey >>> (24 - 8 * (int) ((offset + i) & 3))) & 0xFF;
                bytes[count++] = (byte) (buffer.get(from + i) ^ keyByte);
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, count);
        }
    }
}
