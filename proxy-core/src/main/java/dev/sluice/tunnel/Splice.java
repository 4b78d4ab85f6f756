package dev.sluice.tunnel;

import io.undertow.connector.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Joins a client connection and an upstream connection after a real 101, byte for byte:
 *
 * <pre>
 *   client ──source──▶ Pump "to upstream" ──sink──▶ upstream
 *   client ◀──sink──── Pump "to client"  ◀─source── upstream
 * </pre>
 *
 * A FIN from one side is passed on as a half-close; once both directions are done, or the
 * half-closed state outlasts its timeout, or no byte moved either way for the idle
 * timeout, both connections are closed. An error or reset on one side resets the other.
 * Everything runs on the IO thread that owns both connections.
 */
final class Splice implements Pump.Events {
    private static final Logger log = LoggerFactory.getLogger(Splice.class);

    private final Tunnel tunnel;
    private final TunnelRegistry registry;
    private final StreamConnection client;
    private final StreamConnection upstream;
    private final XnioIoThread ioThread;
    private final long idleNanos;
    private final Duration halfCloseTimeout;
    private final Pump toUpstream;
    private final Pump toClient;
    private long lastActivity = System.nanoTime();
    private XnioExecutor.Key idleTimer;
    private XnioExecutor.Key halfCloseTimer;
    /** The direction whose source sent the first FIN: it names who ended the tunnel. */
    private Pump firstDone;
    private boolean closed;

    Splice(Tunnel tunnel, TunnelRegistry registry, StreamConnection client, StreamConnection upstream,
           ByteBufferPool pool, Duration idleTimeout, Duration halfCloseTimeout) {
        this.tunnel = tunnel;
        this.registry = registry;
        this.client = client;
        this.upstream = upstream;
        this.ioThread = client.getIoThread();
        this.idleNanos = idleTimeout.toNanos();
        this.halfCloseTimeout = halfCloseTimeout;
        this.toUpstream = new Pump("to upstream", client.getSourceChannel(), upstream.getSinkChannel(), pool, this);
        this.toClient = new Pump("to client", upstream.getSourceChannel(), client.getSinkChannel(), pool, this);
    }

    /** The client's connection, for tests in this package. */
    StreamConnection clientConnection() {
        return client;
    }

    /** The upstream's connection, for tests in this package. */
    StreamConnection upstreamConnection() {
        return upstream;
    }

    void start() {
        tunnel.attach(this);
        idleTimer = ioThread.executeAfter(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        toUpstream.start();
        toClient.start();
    }

    @Override
    public void transferred(Pump pump, int bytes) {
        lastActivity = System.nanoTime();
        if (pump == toUpstream) {
            tunnel.addToUpstream(bytes);
        } else {
            tunnel.addToClient(bytes);
        }
    }

    @Override
    public void finished(Pump pump) {
        if (firstDone == null) {
            firstDone = pump;
        }
        Pump other = pump == toUpstream ? toClient : toUpstream;
        if (other.isDone()) {
            close(endedBy());
        } else if (halfCloseTimer == null) {
            halfCloseTimer = ioThread.executeAfter(() -> close("half-close timeout"),
                    halfCloseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void failed(Pump pump, IOException e, boolean reading) {
        // The source of "to upstream" and the sink of "to client" are the client's.
        boolean clientSide = (pump == toUpstream) == reading;
        log.debug("{}: {} failed", tunnel, pump, e);
        // Pass a reset on as a reset, so the other peer does not mistake it for a clean end.
        setAbort(clientSide ? upstream : client);
        close("reset by " + (clientSide ? "client" : "upstream") + " (" + e.getMessage() + ")");
    }

    private void checkIdle() {
        if (closed) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle >= idleNanos) {
            close("idle for " + Duration.ofNanos(idle).toMillis() + " ms");
        } else {
            idleTimer = ioThread.executeAfter(this::checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
        }
    }

    void closeFromAnyThread(String reason) {
        if (Thread.currentThread() == ioThread) {
            close(reason);
        } else {
            ioThread.execute(() -> close(reason));
        }
    }

    /**
     * One of the connections closed under the splice: XNIO closes a connection by itself once
     * both of its sides are shut, which can come just before the last pump reports.
     */
    void connectionClosed(boolean clientSide) {
        close(firstDone != null ? endedBy() : (clientSide ? "client" : "upstream") + " connection closed");
    }

    private String endedBy() {
        return firstDone == toUpstream ? "client closed" : "upstream closed";
    }

    /** Ends the tunnel; the first reason given is the one logged. Call on the IO thread. */
    void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (idleTimer != null) {
            idleTimer.remove();
        }
        if (halfCloseTimer != null) {
            halfCloseTimer.remove();
        }
        IoUtils.safeClose(client, upstream);
        toUpstream.release();
        toClient.release();
        tunnel.closed(reason);
        registry.unregister(tunnel);
        log.info("SLU2002 {} closed ({}) after {} ms, {} bytes to upstream, {} bytes to client",
                tunnel, reason, tunnel.age().toMillis(), tunnel.bytesToUpstream(), tunnel.bytesToClient());
    }

    private static void setAbort(StreamConnection connection) {
        try {
            connection.setOption(Options.CLOSE_ABORT, true);
        } catch (IOException | IllegalArgumentException e) {
            // Not a TCP socket: a plain close is the best we can do.
        }
    }
}
