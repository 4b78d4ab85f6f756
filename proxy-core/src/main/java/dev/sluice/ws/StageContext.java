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

    /**
     * Tells the recording, if the tunnel is recorded, what a fault did to a message sent this
     * way: the {@code number}-th data message (or control frame) the sender sent.
     */
    void markMessage(boolean control, long number, String fault, String effect);

    /** Runs {@code task} on the tunnel's IO thread after {@code delayNanos}, unless the tunnel closed by then. */
    void schedule(Runnable task, long delayNanos);

    /** Closes the tunnel (a FIN to each peer) once the bytes passed on so far in this direction are written. */
    void closeAfterWritten(String reason);

    /** As {@link TunnelEnds}, on the tunnel's IO thread now; a zero delay resets after the current event. */
    @Override
    void reset(String reason, java.time.Duration after);
}
