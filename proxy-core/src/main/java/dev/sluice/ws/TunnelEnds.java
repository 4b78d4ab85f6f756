package dev.sluice.ws;

import java.time.Duration;

/** The two ways a tunnel can be ended on purpose: politely with a WebSocket Close, or with a reset. */
public interface TunnelEnds {
    /**
     * Sends both peers a WebSocket Close with this code and reason at the next frame boundary,
     * then closes both connections; logged as closed by {@code why}.
     */
    void close(int code, String reason, String why);

    /** Resets both connections (TCP RST to each peer) {@code after} from now (zero: at once), if still open then. */
    void reset(String reason, Duration after);
}
