package dev.sluice.junit;

import dev.sluice.Sluice;
import dev.sluice.fault.ActiveFault;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A proxy started the first time it is asked for, so that its configuration may name a backend
 * that a {@code @BeforeAll} method started. A start that failed is tried again when next asked
 * (each test then reports why); after {@link #close()} the next ask starts a new one.
 */
final class LazyProxy implements AutoCloseable {
    /** The report entry that lists the tunnels open as a test begins. */
    static final String OPEN_TUNNELS_KEY = "sluice.open-tunnels";
    /** The report entry that names the run-time faults switched off as a test begins. */
    static final String FAULTS_REMOVED_KEY = "sluice.faults-removed";

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
     * Before a test: starts the proxy, or readies the one that earlier tests of the class used:
     * empties its recording, so that a test's recording (and HAR file) holds its own traffic only;
     * switches off the faults added at run time (Java API, {@code POST /faults}), so that a fault a
     * failed test left on cannot fail the next (the configuration's faults stay); and reports the
     * tunnels still open, which earlier tests (or {@code @BeforeAll} methods) left, as the report
     * entry {@value #OPEN_TUNNELS_KEY} and a line on standard error. Those tunnels are not closed:
     * a class may share a connection between its tests on purpose.
     */
    synchronized Sluice beforeTest(ExtensionContext context) {
        if (proxy != null) {
            proxy.recording().clear();
            List<ActiveFault> removed = proxy.faults().removeRunTime();
            if (!removed.isEmpty()) {
                String names = removed.stream().map(ActiveFault::name).collect(Collectors.joining(", "));
                context.publishReportEntry(FAULTS_REMOVED_KEY, names);
                System.err.println("sluice: before " + context.getDisplayName() + ": switched off the run-time faults"
                        + " earlier tests left on: " + names);
            }
            List<Tunnel> open = proxy.tunnels().list().stream().sorted(Comparator.comparingLong(Tunnel::id)).toList();
            if (!open.isEmpty()) {
                String tunnels = open.stream().map(t -> t + ", open " + t.age().toMillis() + " ms")
                        .collect(Collectors.joining("; "));
                context.publishReportEntry(OPEN_TUNNELS_KEY, tunnels);
                System.err.println("sluice: before " + context.getDisplayName() + ": " + open.size()
                        + " tunnel(s) left open by earlier tests, still open: " + tunnels);
            }
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
