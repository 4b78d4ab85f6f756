package dev.sluice.runtime;

import io.undertow.client.ClientConnection;
import org.xnio.XnioIoThread;

import java.util.concurrent.TimeUnit;

/**
 * The requests of one IO thread that wait for an upstream's response head, looked at together
 * by one sweep every {@value #PERIOD_MILLIS} ms while there are any: a timer per request (its
 * response-timeout, and a look every few milliseconds for Undertow's client switching to h2c)
 * cost two timer inserts and removals per request, and 24,000 looks for one long poll parked
 * for two minutes.
 *
 * <p>A sweep ends each wait that is due ({@link Wait#onTimeout}) and each whose connection
 * Undertow's client switched to HTTP/2 by itself when an upstream answered {@code 101} with
 * {@code Upgrade: h2c} ({@link Wait#onH2cSwitch}): after that switch no callback of Sluice's
 * runs again for the request, so only a look from outside finds it. A response timeout thus
 * ends within one period after it is due.
 *
 * <p>Confined to its IO thread: waits start and end there, and the sweep runs there.
 */
public final class HeadWaits {
    static final long PERIOD_MILLIS = 50;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
    private static final ThreadLocal<HeadWaits> OF_THREAD = new ThreadLocal<>();

    private final XnioIoThread thread;
    /** Sentinel of a ring of the waits, oldest first; intrusive, so ending a wait costs nothing to find. */
    private final Wait ring = new Wait() {
        @Override
        protected void onTimeout() {
        }

        @Override
        protected void onH2cSwitch() {
        }
    };
    private boolean sweepScheduled;

    private HeadWaits(XnioIoThread thread) {
        this.thread = thread;
        ring.before = ring;
        ring.after = ring;
    }

    /**
     * Starts {@code wait}, due in {@code timeoutNanos}, for the head of a response on
     * {@code connection}. Call on the connection's IO thread, which must be the current one.
     */
    public static void start(Wait wait, ClientConnection connection, long timeoutNanos) {
        XnioIoThread thread = connection.getIoThread();
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a head wait starts on its connection's IO thread, " + thread.getName());
        }
        HeadWaits waits = OF_THREAD.get();
        if (waits == null || waits.thread != thread) {
            waits = new HeadWaits(thread);
            OF_THREAD.set(waits);
        }
        wait.end();
        wait.connection = connection;
        wait.due = System.nanoTime() + timeoutNanos;
        waits.add(wait);
    }

    private void add(Wait wait) {
        wait.before = ring.before;
        wait.after = ring;
        ring.before.after = wait;
        ring.before = wait;
        if (!sweepScheduled) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        sweepScheduled = IoThreads.executeAfter(thread, this::sweep, PERIOD_NANOS) != null;
    }

    private void sweep() {
        sweepScheduled = false;
        long now = System.nanoTime();
        for (Wait wait = ring.after; wait != ring; ) {
            Wait next = wait.after;
            if (wait.connection.isMultiplexingSupported()) {
                wait.end();
                wait.onH2cSwitch();
            } else if (now - wait.due >= 0) {
                wait.end();
                wait.onTimeout();
            }
            // what those callbacks ended is unlinked, and what they started is behind next
            wait = next.before == null ? ring.after : next;
        }
        if (ring.after != ring) {
            scheduleSweep();
        }
    }

    /** One request waiting for its response head; {@link #end} it when the head (or a failure) comes. */
    public abstract static class Wait {
        private Wait before;
        private Wait after;
        private ClientConnection connection;
        private long due;

        /** Whether the wait was started and has not ended. */
        public final boolean waiting() {
            return before != null;
        }

        /** Stops waiting; nothing when it is not waiting. Call on its IO thread. */
        public final void end() {
            if (before != null) {
                before.after = after;
                after.before = before;
                before = null;
                after = null;
            }
        }

        /** No head within the timeout; the wait has ended. */
        protected abstract void onTimeout();

        /** Undertow's client followed an upstream's {@code 101} to h2c; the wait has ended. */
        protected abstract void onH2cSwitch();
    }
}
