package dev.sluice.tunnel;

import dev.sluice.config.Plural;
import dev.sluice.observe.OffThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The per-tunnel log lines (SLU2001 opened, SLU2002 closed), written {@link OffThread off the
 * IO threads}: an embedding application's SLF4J backend may write synchronously (slf4j-simple
 * does), and an IO thread waiting for a terminal stalls every tunnel on it.
 */
final class TunnelLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Splice.class);
    private static final int QUEUE = 16_384;

    private final OffThread writer = new OffThread("sluice-tunnel-log", QUEUE, () -> { },
            lost -> log.warn("SLU2005 the tunnel log fell behind: {} dropped", Plural.of(lost, "line")));

    void opened(Tunnel tunnel, String requestId) {
        if (log.isDebugEnabled()) {
            writer.offer(() -> log.debug("SLU2001 {} opened (request id {})", tunnel, requestId));
        }
    }

    /** At DEBUG: a closed tunnel is the access log's business, and {@code access-log: off} means off. */
    void closed(Tunnel tunnel) {
        if (!log.isDebugEnabled()) {
            return;
        }
        writer.offer(() -> log.debug("SLU2002 {} closed ({}) after {} ms, {} / {} to upstream,"
                        + " {} / {} to client, close codes client {} upstream {}{}",
                tunnel, tunnel.closeReason(), tunnel.age().toMillis(), Plural.of(tunnel.bytesToUpstream(), "byte"),
                Plural.of(tunnel.messagesToUpstream(), "message"), Plural.of(tunnel.bytesToClient(), "byte"),
                Plural.of(tunnel.messagesToClient(), "message"),
                Tunnel.codeText(tunnel.clientCloseCode()), Tunnel.codeText(tunnel.upstreamCloseCode()),
                tunnel.framingProblem() == null ? "" : "; not counted after " + tunnel.framingProblem()));
    }

    /** Writes what is queued and stops the thread. */
    @Override
    public void close() {
        writer.close();
    }
}
