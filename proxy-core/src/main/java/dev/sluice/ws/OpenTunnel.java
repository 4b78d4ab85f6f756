package dev.sluice.ws;

import java.time.Duration;

/**
 * An open tunnel as its stages and the faults act on it, from any thread; the tunnel layer
 * implements it, so that what sits below that layer never needs the tunnel itself.
 */
public interface OpenTunnel {
    long id();

    /** The path prefix of the route it was opened on. */
    String route();

    /**
     * Sends both peers a WebSocket Close with this code and reason at the next frame boundary,
     * then closes both connections; logged as closed by {@code why}.
     */
    void close(int code, String reason, String why);

    /** Resets both connections (TCP RST to each peer) {@code after} from now, if still open then. */
    void reset(String reason, Duration after);

    /** Resets both connections at once, logged with {@code reason}. */
    default void reset(String reason) {
        reset(reason, Duration.ZERO);
    }
}
