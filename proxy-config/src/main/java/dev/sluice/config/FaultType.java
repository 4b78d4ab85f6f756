package dev.sluice.config;

import java.util.Locale;

/** What a fault ({@code faults[].type}) does; see {@link FaultConfig}. */
public enum FaultType {
    /** TCP: holds each chunk {@code latency} (± {@code jitter}) before passing it on. */
    LATENCY,
    /** TCP: passes on at most {@code rate} bytes a second. */
    BANDWIDTH,
    /** TCP: reads and discards: the connection stays open, nothing arrives. */
    BLACKHOLE,
    /** TCP: resets matching tunnels (RST to both peers), after {@code delay}; HTTP requests get a reset connection. */
    RESET,
    /** TCP: passes on {@code bytes} bytes, then closes the tunnel. */
    LIMIT_DATA,
    /** TCP: writes in segments of {@code segment} bytes, {@code delay} apart. */
    SLICE,
    /** Every new request or handshake on the route gets its connection reset, unanswered. */
    REFUSE,
    /** HTTP: requests and handshakes on the route are answered {@code status} without reaching the upstream. */
    HTTP_STATUS,
    /** TCP: holds a FIN back for {@code delay}. */
    SLOW_CLOSE,
    /** WebSocket: the next {@code count} messages are not passed on. */
    DROP_MESSAGES,
    /** WebSocket: the next {@code count} messages (and what follows them) are held {@code latency}. */
    DELAY_MESSAGES,
    /** WebSocket: the next {@code count} messages are passed on twice. */
    DUPLICATE_MESSAGES,
    /** WebSocket: both peers get a Close frame with {@code code} and {@code reason}, at a frame boundary. */
    CLOSE;

    /** The name in YAML and JSON, e.g. {@code drop-messages}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether it counts WebSocket messages rather than bytes. */
    public boolean messageLevel() {
        return this == DROP_MESSAGES || this == DELAY_MESSAGES || this == DUPLICATE_MESSAGES;
    }

    @Override
    public String toString() {
        return yamlName();
    }
}
