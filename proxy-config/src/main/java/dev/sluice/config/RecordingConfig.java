package dev.sluice.config;

/**
 * What crosses the proxy is recorded ({@code recording}): each HTTP exchange and each tunnel's
 * WebSocket messages, for assertions, {@code GET /recording} on the admin API, and HAR files.
 * Nothing is recorded unless the file has a {@code recording} section (a test fixture's proxy
 * from {@code Sluice.builder()} has one).
 *
 * <p>The recording holds at most {@code budgetBytes} (an estimate of the heap its exchanges and
 * messages take): past it the oldest exchanges and messages are forgotten, those of tunnels still
 * open too. The values of {@code Cookie}, {@code Set-Cookie}, {@code Authorization} and
 * {@code Proxy-Authorization} are replaced with {@code [redacted]} unless {@code keepSecrets}.
 *
 * @param payloadBytes how many bytes of each WebSocket message's payload are kept (0: none,
 *                     only direction, opcode, length and time); at most {@link #MAX_PAYLOAD_BYTES}
 * @param budgetBytes  how much the whole recording may hold ({@code budget}, default
 *                     {@link #DEFAULT_BUDGET}): from {@link #MIN_BUDGET} to {@link #MAX_BUDGET},
 *                     and room for at least 16 messages with whole payloads
 * @param keepSecrets  whether credential headers are recorded as sent ({@code keep-secrets},
 *                     default false: redacted)
 */
public record RecordingConfig(int payloadBytes, long budgetBytes, boolean keepSecrets) {
    /** The most payload kept per message. */
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** The default budget, 16MiB. */
    public static final long DEFAULT_BUDGET = 16L * 1024 * 1024;
    /** The smallest budget, 64KiB: a few exchanges with their headers cut to the most a recording keeps. */
    public static final long MIN_BUDGET = 64L * 1024;
    /** The largest budget, 64GiB: the recording lives on the heap. */
    public static final long MAX_BUDGET = 64L * 1024 * 1024 * 1024;
    /** A budget holds at least this many messages with whole payloads. */
    static final int MIN_MESSAGES = 16;
    /** Metadata only, the default budget, secrets redacted: {@code recording: {}}. */
    public static final RecordingConfig METADATA = new RecordingConfig(0);

    public RecordingConfig {
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payloads " + Units.formatSize(payloadBytes) + " must be from 0B to "
                    + Units.formatSize(MAX_PAYLOAD_BYTES));
        }
        if (budgetBytes < MIN_BUDGET || budgetBytes > MAX_BUDGET) {
            throw new IllegalArgumentException("budget " + Units.formatSize(budgetBytes) + " must be from "
                    + Units.formatSize(MIN_BUDGET) + " to " + Units.formatSize(MAX_BUDGET));
        }
        if (budgetBytes < (long) MIN_MESSAGES * payloadBytes) {
            throw new IllegalArgumentException("budget " + Units.formatSize(budgetBytes) + " holds fewer than "
                    + MIN_MESSAGES + " messages of payloads " + Units.formatSize(payloadBytes) + " (make it at least "
                    + Units.formatSize((long) MIN_MESSAGES * payloadBytes) + ", or keep less of each payload)");
        }
    }

    /** {@code payloadBytes} of each message, the default budget, secrets redacted. */
    public RecordingConfig(int payloadBytes) {
        this(payloadBytes, DEFAULT_BUDGET, false);
    }

    /** This configuration with another budget. */
    public RecordingConfig withBudget(long newBudgetBytes) {
        return new RecordingConfig(payloadBytes, newBudgetBytes, keepSecrets);
    }

    /** This configuration keeping credential headers as sent, or redacting them. */
    public RecordingConfig withKeepSecrets(boolean keep) {
        return new RecordingConfig(payloadBytes, budgetBytes, keep);
    }

    /** This configuration keeping this much of each payload. */
    public RecordingConfig withPayloadBytes(int newPayloadBytes) {
        return new RecordingConfig(newPayloadBytes, budgetBytes, keepSecrets);
    }
}
