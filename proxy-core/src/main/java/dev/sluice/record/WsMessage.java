package dev.sluice.record;

import dev.sluice.ws.Direction;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One WebSocket message that went through a tunnel: a whole data message (its fragments joined)
 * or one control frame (close, ping, pong).
 *
 * @param direction which way it went
 * @param opcode    the opcode of its first frame: {@link #TEXT}, {@link #BINARY}, {@link #CLOSE},
 *                  {@link #PING} or {@link #PONG}
 * @param length    payload bytes of the whole message (all its fragments), as sent
 * @param time      when the first byte of its first frame went through the proxy
 * @param payload   the payload, unmasked, when payloads are recorded
 *                  ({@code Sluice.builder().recordPayloads(n)}): its first {@code n} bytes at most,
 *                  so shorter than {@code length} when it was cut; null when payloads are not recorded
 * @param number    its place among what was sent this way: the n-th data message, or the n-th
 *                  control frame, from 1; 0 when not known
 * @param fault     the name of the fault that dropped or duplicated it, or null
 * @param effect    what that fault did: {@code dropped} (the peer never got it) or
 *                  {@code duplicated} (the peer got it twice); null when no fault did
 */
public record WsMessage(Direction direction, int opcode, long length, Instant time, byte[] payload, long number,
                        String fault, String effect) {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** A message no fault touched, of unknown number. */
    public WsMessage(Direction direction, int opcode, long length, Instant time, byte[] payload) {
        this(direction, opcode, length, time, payload, 0, null, null);
    }

    /** The same message, marked as {@code fault} did to it. */
    WsMessage withFault(String fault, String effect) {
        return new WsMessage(direction, opcode, length, time, payload, number, fault, effect);
    }

    /** Whether this is a control frame (close, ping, pong) rather than a data message. */
    public boolean isControl() {
        return opcode >= CLOSE;
    }

    /** Whether the recorded payload is shorter than the message (it was cut to the recording's limit). */
    public boolean isCut() {
        return payload != null && payload.length < length;
    }

    /** The recorded payload as UTF-8 text (a cut payload may end in a broken character), or null when not recorded. */
    public String text() {
        return payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WsMessage[" + direction + " opcode=" + opcode + " length=" + length + " time=" + time
                + (payload == null ? "" : " payload=" + payload.length + "B")
                + (fault == null ? "" : " " + effect + " by " + fault) + "]";
    }
}
