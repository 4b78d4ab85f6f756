package dev.sluice.ws;

/** What a {@link Stage} may ask of its tunnel. Call on the tunnel's IO thread. */
public interface StageContext {
    Direction direction();

    OpenTunnel tunnel();

    /** Runs {@code task} on the tunnel's IO thread after {@code delayNanos}, unless the tunnel closed by then. */
    void schedule(Runnable task, long delayNanos);

    /** Closes the tunnel (a FIN to each peer) once the bytes passed on so far in this direction are written. */
    void closeAfterWritten(String reason);

    /** Resets both connections of the tunnel (TCP RST) {@code after} from now (zero: after the current event). */
    void reset(String reason, java.time.Duration after);

    /** Sends both peers a WebSocket Close with this code and reason at the next frame boundary, then closes. */
    void close(int code, String reason, String why);
}
