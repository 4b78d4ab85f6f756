package dev.sluice.ws;

import java.time.Duration;

/**
 * An open tunnel as its stages and the faults act on it, from any thread; the tunnel layer
 * implements it, so that what sits below that layer never needs the tunnel itself.
 */
public interface OpenTunnel extends TunnelEnds {
    long id();

    /** The path prefix of the route it was opened on. */
    String route();

    /** Resets both connections at once, logged with {@code reason}. */
    default void reset(String reason) {
        reset(reason, Duration.ZERO);
    }
}
