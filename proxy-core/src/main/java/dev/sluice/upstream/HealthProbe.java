package dev.sluice.upstream;

import dev.sluice.config.HealthCheckConfig;
import io.undertow.connector.ByteBufferPool;
import org.xnio.XnioIoThread;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Checks one server once, as an upstream's {@code health-check} says: an HTTP GET of its path
 * (2xx or 3xx is healthy) or a WebSocket handshake (a valid 101 is healthy). A check runs on an
 * XNIO IO thread without blocking it, on a connection of its own that it always closes, and
 * takes at most the configured timeout, connect included.
 */
public final class HealthProbe {
    /** A check in flight. */
    public interface Check {
        /** Ends the check now and closes its connection; its result, if not given yet, is {@code check stopped}. */
        void abort();
    }

    private final HealthCheckConfig config;
    private final ByteBufferPool bufferPool;

    public HealthProbe(HealthCheckConfig config, ByteBufferPool bufferPool) {
        this.config = config;
        this.bufferPool = bufferPool;
    }

    /**
     * Starts one check of the server at {@code address} on {@code ioThread}; {@code done} gets
     * its result exactly once, on that thread (unless the worker is stopping), and must not block.
     *
     * @param address    resolved already: an IO thread never waits for a name lookup
     * @param hostHeader the Host header to send, {@code host:port}
     */
    public Check check(XnioIoThread ioThread, InetSocketAddress address, String hostHeader, Consumer<CheckResult> done) {
        return check(ioThread, address, hostHeader, CheckConnection.PLAIN, done);
    }

    /** As {@link #check(XnioIoThread, InetSocketAddress, String, Consumer)}, connecting as {@code connection} says. */
    public Check check(XnioIoThread ioThread, InetSocketAddress address, String hostHeader, CheckConnection connection,
                       Consumer<CheckResult> done) {
        CheckExchange exchange = config.path() != null
                ? new HttpGetCheck(config.path())
                : new WebSocketCheck(config.websocket(), WebSocketKeys.newKey());
        ProbeRun run = new ProbeRun(ioThread, exchange, config.timeout(), done);
        if (XnioIoThread.currentThread() == ioThread) {
            run.start(address, hostHeader, connection, bufferPool);
        } else {
            try {
                ioThread.execute(() -> run.start(address, hostHeader, connection, bufferPool));
            } catch (RejectedExecutionException stopping) {
                done.accept(CheckResult.unhealthy("worker stopping"));
            }
        }
        return run;
    }
}
