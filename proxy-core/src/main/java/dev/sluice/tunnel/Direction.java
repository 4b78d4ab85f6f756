package dev.sluice.tunnel;

/** Which way bytes go through a tunnel. */
public enum Direction {
    /** From the client to the upstream: WebSocket frames here are masked. */
    TO_UPSTREAM("to upstream", "client"),
    /** From the upstream to the client: frames here are not masked. */
    TO_CLIENT("to client", "upstream");

    private final String text;
    private final String source;

    Direction(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** The side that sends the bytes going this way: "client" or "upstream". */
    public String source() {
        return source;
    }

    /** Whether WebSocket frames going this way must be masked (RFC 6455 §5.3). */
    boolean masked() {
        return this == TO_UPSTREAM;
    }

    @Override
    public String toString() {
        return text;
    }
}
