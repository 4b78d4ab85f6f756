package dev.sluice.ws;

/** Which way bytes go through a tunnel. */
public enum Direction {
    /** From the client to the upstream: WebSocket frames here are masked. */
    TO_UPSTREAM("to upstream"),
    /** From the upstream to the client: frames here are not masked. */
    TO_CLIENT("to client");

    private final String text;

    Direction(String text) {
        this.text = text;
    }

    /** Whether WebSocket frames going this way must be masked (RFC 6455 §5.3). */
    public boolean masked() {
        return this == TO_UPSTREAM;
    }

    @Override
    public String toString() {
        return text;
    }
}
