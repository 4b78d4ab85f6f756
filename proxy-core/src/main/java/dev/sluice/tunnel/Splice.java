package dev.sluice.tunnel;

import dev.sluice.record.MessageLog;
import dev.sluice.runtime.IoThreads;
import dev.sluice.runtime.ProgressDeadline;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.Stage;
import dev.sluice.ws.StageContext;
import dev.sluice.ws.StageFactory;
import io.undertow.connector.ByteBufferPool;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins a client connection and an upstream connection after a real 101, byte for byte:
 *
 * <pre>
 *   client ──source──▶ Pump TO_UPSTREAM [frame scanner] ──sink──▶ upstream
 *   client ◀──sink──── Pump TO_CLIENT   [frame scanner] ◀─source── upstream
 * </pre>
 *
 * A FIN from one side is passed on as a half-close; once both directions are done, or the
 * half-closed state outlasts its timeout, both connections are closed. An error or reset on
 * one side resets the other. On the idle timeout and on drain the tunnel is closed politely:
 * each peer gets a WebSocket Close 1001 at the next frame boundary, then a moment to answer
 * with its own Close and FIN. Everything runs on the IO thread that owns both connections.
 */
final class Splice implements Pump.Events, ProgressDeadline.Owner {
    /** How long a polite close waits for the frames being relayed to end before it resets instead. */
    static final Duration BOUNDARY_TIMEOUT = Duration.ofSeconds(5);
    /** How long the peers have to answer a Close 1001 (their Close and FIN) before the sockets close. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final Tunnel tunnel;
    private final TunnelRegistry registry;
    private final StreamConnection client;
    private final StreamConnection upstream;
    private final XnioIoThread ioThread;
    /** {@code idle-timeout}: no byte either way for that long closes the tunnel politely. */
    private final ProgressDeadline idle;
    private final Duration halfCloseTimeout;
    private final Pump toUpstream;
    private final Pump toClient;
    /** The half-close or close-grace timer. */
    private XnioExecutor.Key timer;
    /** The direction whose source sent the first FIN: it names who ended the tunnel. */
    private Pump firstDone;
    /** Set once a polite close has begun: the reason it will be logged with. */
    private String closing;
    private boolean closed;

    Splice(Tunnel tunnel, TunnelRegistry registry, StreamConnection client, StreamConnection upstream,
           ByteBufferPool pool, Duration idleTimeout, Duration halfCloseTimeout, StageFactory stages) {
        this.tunnel = tunnel;
        this.registry = registry;
        this.client = client;
        this.upstream = upstream;
        this.ioThread = client.getIoThread();
        this.idle = new ProgressDeadline(ioThread, idleTimeout.toNanos(), this);
        this.halfCloseTimeout = halfCloseTimeout;
        StageFactory.PerDirection perDirection = stages.forTunnel(tunnel);
        this.toUpstream = pump(Direction.TO_UPSTREAM, client, upstream, pool, perDirection);
        this.toClient = pump(Direction.TO_CLIENT, upstream, client, pool, perDirection);
    }

    private Pump pump(Direction direction, StreamConnection from, StreamConnection to, ByteBufferPool pool,
                      StageFactory.PerDirection factory) {
        Context context = new Context(direction);
        context.pump = new Pump(direction, from.getSourceChannel(), to.getSinkChannel(), pool, this,
                new FrameScannerStage(new FrameScanner(direction.masked()), registry.traffic().messages(direction)),
                stages(context, factory));
        return context.pump;
    }

    /** The stages after the frame scanner: the recording's (what the sender sent), then the faults'. */
    private List<Stage> stages(Context context, StageFactory.PerDirection factory) {
        MessageLog log = tunnel.messageLog();
        List<Stage> stages = new ArrayList<>();
        if (log != null) {
            stages.add(new RecordingStage(context.direction(), log));
        }
        stages.addAll(factory.stages(context));
        return stages;
    }

    /** What the stages of one direction may ask of the splice. */
    private final class Context implements StageContext {
        private final Direction direction;
        private Pump pump;

        Context(Direction direction) {
            this.direction = direction;
        }

        @Override
        public Direction direction() {
            return direction;
        }

        @Override
        public Tunnel tunnel() {
            return tunnel;
        }

        @Override
        public FrameScanner scanner() {
            return pump.scanner();
        }

        @Override
        public void markMessage(boolean control, long number, String fault, String effect) {
            MessageLog log = tunnel.messageLog();
            if (log != null) {
                log.mark(direction, control, number, fault, effect);
            }
        }

        @Override
        public void schedule(Runnable task, long delayNanos) {
            pump.schedule(task, delayNanos);
        }

        @Override
        public void closeAfterWritten(String reason) {
            pump.whenWritten(() -> Splice.this.closeNow(reason));
        }

        @Override
        public void reset(String reason, Duration after) {
            resetFromAnyThread(reason, after);
        }

        @Override
        public void close(int code, String reason, String why) {
            closePolitelyFromAnyThread(why, code, reason);
        }
    }

    /** The client's connection, for tests in this package. */
    StreamConnection clientConnection() {
        return client;
    }

    /** The upstream's connection, for tests in this package. */
    StreamConnection upstreamConnection() {
        return upstream;
    }

    FrameScanner scanner(Direction direction) {
        return direction == Direction.TO_UPSTREAM ? toUpstream.scanner() : toClient.scanner();
    }

    void start() {
        tunnel.attach(this);
        idle.arm();
        toUpstream.start();
        toClient.start();
    }

    @Override
    public void transferred(Pump pump, int bytes) {
        idle.progress();
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
            closeNow(closing != null ? closing : endedBy());
        } else if (closing == null) {
            restartTimer(this::halfCloseTimedOut, halfCloseTimeout);
        }
    }

    @Override
    public void frameSent(Pump pump) {
        if (toUpstream.frameSent() && toClient.frameSent()) {
            restartTimer(() -> closeNow(closing), CLOSE_GRACE);
        }
    }

    @Override
    public void failed(Pump pump, IOException e, boolean reading) {
        // The source of TO_UPSTREAM and the sink of TO_CLIENT are the client's.
        boolean clientSide = (pump == toUpstream) == reading;
        // Pass a reset on as a reset, so the other peer does not mistake it for a clean end.
        setAbort(clientSide ? upstream : client);
        closeNow("reset by " + (clientSide ? "client" : "upstream") + " (" + e.getMessage() + ")");
    }

    private void halfCloseTimedOut() {
        closeNow("half-close timeout");
    }

    @Override
    public boolean timing() {
        return !closed && closing == null;
    }

    @Override
    public void expired(long idleNanos) {
        closePolitely("idle for " + Duration.ofNanos(idleNanos).toMillis() + " ms", "going away: idle timeout");
    }

    /**
     * Sends each peer a Close 1001 at the next frame boundary, then closes once both answered
     * or {@link #CLOSE_GRACE} passed. A stream that is not WebSocket as far as the scanners can
     * tell, or a frame that does not end within {@link #BOUNDARY_TIMEOUT}, is closed at once.
     * Call on the IO thread.
     */
    void closePolitely(String reason, String closeReasonText) {
        closePolitely(reason, CloseFrames.GOING_AWAY, closeReasonText);
    }

    private void closePolitely(String reason, int code, String closeReasonText) {
        if (closed || closing != null) {
            return;
        }
        if (!toUpstream.scanner().inSync() || !toClient.scanner().inSync()) {
            closeNow(reason);
            return;
        }
        closing = reason;
        restartTimer(() -> {
            setAbort(client);
            setAbort(upstream);
            closeNow(reason + "; reset, a frame did not end within " + BOUNDARY_TIMEOUT.toMillis() + " ms");
        }, BOUNDARY_TIMEOUT);
        toClient.sendAtBoundary(CloseFrames.close(code, closeReasonText, false));
        toUpstream.sendAtBoundary(CloseFrames.close(code, closeReasonText, true));
    }

    void closePolitelyFromAnyThread(String reason, String closeReasonText) {
        closePolitelyFromAnyThread(reason, CloseFrames.GOING_AWAY, closeReasonText);
    }

    /** Like {@link #closePolitely} with another close code; runs on the IO thread after the current event. */
    void closePolitelyFromAnyThread(String reason, int code, String closeReasonText) {
        IoThreads.execute(ioThread, () -> closePolitely(reason, code, closeReasonText));
    }

    /** Resets both connections (TCP RST); runs on the IO thread after the current event. */
    void resetFromAnyThread(String reason) {
        resetFromAnyThread(reason, Duration.ZERO);
    }

    void resetFromAnyThread(String reason, Duration after) {
        Runnable reset = () -> {
            if (!closed) {
                setAbort(client);
                setAbort(upstream);
                closeNow(reason);
            }
        };
        if (after.isZero()) {
            IoThreads.execute(ioThread, reset);
        } else {
            IoThreads.executeAfter(ioThread, reset, after.toNanos());
        }
    }

    /**
     * One of the connections closed under the splice: XNIO closes a connection by itself once
     * both of its sides are shut, which can come just before the last pump reports.
     */
    void connectionClosed(boolean clientSide) {
        closeNow(closing != null ? closing
                : firstDone != null ? endedBy() : (clientSide ? "client" : "upstream") + " connection closed");
    }

    private String endedBy() {
        return firstDone == toUpstream ? "client closed" : "upstream closed";
    }

    private void restartTimer(Runnable task, Duration after) {
        idle.cancel(); // the tunnel is ending: only this timer counts now
        if (timer != null) {
            timer.remove();
        }
        timer = IoThreads.executeAfter(ioThread, task, after.toNanos());
    }

    /**
     * Ends the tunnel at once: both connections are closed without a WebSocket Close (for that,
     * {@link #closePolitely}); the first reason given is the one logged. Call on the IO thread.
     */
    void closeNow(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        idle.cancel();
        if (timer != null) {
            timer.remove();
        }
        IoUtils.safeClose(client, upstream);
        toUpstream.release();
        toClient.release();
        tunnel.closed(reason, toUpstream.scanner(), toClient.scanner());
        registry.unregister(tunnel);
    }

    private static void setAbort(StreamConnection connection) {
        try {
            connection.setOption(Options.CLOSE_ABORT, true);
        } catch (IOException | IllegalArgumentException e) {
            // Not a TCP socket: a plain close is the best we can do.
        }
    }
}
