package dev.sluice.junit;

import dev.sluice.Sluice;

import java.util.function.Supplier;

/**
 * A proxy started the first time it is asked for, so that its configuration may name a backend
 * that a {@code @BeforeAll} method started. A start that failed is tried again when next asked
 * (each test then reports why); after {@link #close()} the next ask starts a new one.
 */
final class LazyProxy implements AutoCloseable {
    private final Supplier<Sluice> starter;
    private Sluice proxy;

    LazyProxy(Supplier<Sluice> starter) {
        this.starter = starter;
    }

    synchronized Sluice get() {
        if (proxy == null) {
            proxy = starter.get();
        }
        return proxy;
    }

    /**
     * Before a test: starts the proxy, or empties the recording of the one that earlier tests of the
     * class used, so that a test's recording (and HAR file) holds its own traffic only.
     */
    synchronized Sluice beforeTest() {
        if (proxy != null) {
            proxy.recording().clear();
        }
        return get();
    }

    /** The proxy if it was started, else null. */
    synchronized Sluice running() {
        return proxy;
    }

    @Override
    public synchronized void close() {
        if (proxy != null) {
            Sluice closing = proxy;
            proxy = null;
            closing.close();
        }
    }
}
