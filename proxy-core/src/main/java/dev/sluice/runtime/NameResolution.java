package dev.sluice.runtime;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every upstream with {@code resolve-interval} shares: the resolver, and the one thread
 * that looks names up again. A lookup may block for seconds; on its own daemon thread it holds
 * up neither an IO thread nor a reload. The thread is made only when an upstream first needs it.
 */
public final class NameResolution implements AutoCloseable {
    private final HostResolver resolver;
    private ScheduledExecutorService thread;
    private boolean closed;

    public NameResolution(HostResolver resolver) {
        this.resolver = resolver;
    }

    HostResolver resolver() {
        return resolver;
    }

    /** The resolver thread, or null once the proxy stops. */
    synchronized ScheduledExecutorService thread() {
        if (thread == null && !closed) {
            thread = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "sluice-resolver");
                t.setDaemon(true);
                return t;
            });
        }
        return thread;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
