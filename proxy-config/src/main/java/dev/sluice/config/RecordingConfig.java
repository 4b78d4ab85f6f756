package dev.sluice.config;

/**
 * What crosses the proxy is recorded ({@code recording}): each HTTP exchange and each tunnel's
 * WebSocket messages, for assertions, {@code GET /recording} on the admin API, and HAR files.
 * Nothing is recorded unless the file has a {@code recording} section (a test fixture's proxy
 * from {@code Sluice.builder()} has one).
 *
 * @param payloadBytes how many bytes of each WebSocket message's payload are kept (0: none,
 *                     only direction, opcode, length and time)
 */
public record RecordingConfig(int payloadBytes) {
    /** The most payload kept per message: the recording keeps the last 1,000 messages of 1,000 tunnels. */
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** Metadata only: {@code recording: {}}. */
    public static final RecordingConfig METADATA = new RecordingConfig(0);

    public RecordingConfig {
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payloads " + payloadBytes + " must be from 0 to " + MAX_PAYLOAD_BYTES);
        }
    }
}
