package dev.sluice.config;

/**
 * HTTP/2 on a listener ({@code listeners[].http2}): h2c on a plain listener (prior knowledge, or
 * {@code Upgrade: h2c} from the client). {@code http2: true} takes the defaults; {@code http2: {
 * max-concurrent-streams: 100 }} sets them.
 *
 * @param maxConcurrentStreams streams a client may have open at once on one connection
 *                             ({@code SETTINGS_MAX_CONCURRENT_STREAMS}); a stream past it is
 *                             refused by the protocol (RST_STREAM), the others go on
 */
public record Http2Config(int maxConcurrentStreams) {
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    public static final Http2Config DEFAULTS = new Http2Config(DEFAULT_MAX_CONCURRENT_STREAMS);

    public Http2Config {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("max-concurrent-streams must be 1 or more: " + maxConcurrentStreams);
        }
    }
}
