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
 */
public record WsMessage(Direction direction, int opcode, long length, Instant time, byte[] payload) {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

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
                + (payload == null ? "" : " payload=" + payload.length + "B") + "]";
    }
}
