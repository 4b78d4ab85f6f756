package dev.sluice.ws;

/** What a {@link Stage} may ask of its tunnel. Call on the tunnel's IO thread. */
public interface StageContext extends TunnelEnds {
    Direction direction();

    OpenTunnel tunnel();

    /**
     * The direction's own frame scanner: it has read each buffer before any stage gets it, so
     * between buffers it is at the end of the last one.
     */
    FrameScanner scanner();

    /** Runs {@code task} on the tunnel's IO thread after {@code delayNanos}, unless the tunnel closed by then. */
    void schedule(Runnable task, long delayNanos);

    /** Closes the tunnel (a FIN to each peer) once the bytes passed on so far in this direction are written. */
    void closeAfterWritten(String reason);

    /** As {@link TunnelEnds}, on the tunnel's IO thread now; a zero delay resets after the current event. */
    @Override
    void reset(String reason, java.time.Duration after);
}
