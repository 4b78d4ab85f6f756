package dev.sluice.runtime;

import io.undertow.client.ClientConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Notices when Undertow's client has switched an upstream connection to HTTP/2 by itself.
 *
 * <p>It does so whenever an upstream answers {@code 101} with {@code Upgrade: h2c}, whatever the
 * request asked for, and hands the waiting response callback to an HTTP/2 stream whose answer a
 * confused upstream never sends: no callback of ours runs again, and the client would wait for
 * the whole response timeout. The switch shows only as the connection becoming multiplexed, so
 * while a request waits for its answer the connection is looked at every few milliseconds. A
 * normal answer comes first and ends the watch without a single look in most cases.
 */
public final class H2cSwitchWatch {
    private static final long PERIOD_MILLIS = 5;

    private final ClientConnection connection;
    private final XnioIoThread thread;
    private final BooleanSupplier waiting;
    private final Runnable switched;
    private XnioExecutor.Key next;

    private H2cSwitchWatch(ClientConnection connection, XnioIoThread thread, BooleanSupplier waiting, Runnable switched) {
        this.connection = connection;
        this.thread = thread;
        this.waiting = waiting;
        this.switched = switched;
    }

    /**
     * Watches the connection while {@code waiting} says the answer has not come, and runs
     * {@code switched} once, on the connection's IO thread, if it turned into HTTP/2.
     */
    public static H2cSwitchWatch start(ClientConnection connection, BooleanSupplier waiting, Runnable switched) {
        H2cSwitchWatch watch = new H2cSwitchWatch(connection, connection.getIoThread(), waiting, switched);
        watch.schedule();
        return watch;
    }

    /** Stops looking (the answer came); call on the connection's IO thread. */
    public void cancel() {
        if (next != null) {
            next.remove();
            next = null;
        }
    }

    private void schedule() {
        next = IoThreads.executeAfter(thread, this::look, TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
    }

    private void look() {
        next = null;
        if (!waiting.getAsBoolean() || !connection.isOpen()) {
            return;
        }
        if (connection.isMultiplexingSupported()) {
            switched.run();
        } else {
            schedule();
        }
    }
}
