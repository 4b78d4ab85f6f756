package dev.sluice;

import dev.sluice.observe.Metrics;

import java.util.function.Supplier;

/**
 * Keeps the per-server meters on the servers in force: after each reload, and whenever servers
 * join or are dropped between reloads ({@code resolve-interval}). Each run reads the snapshot
 * current at that moment under one lock, so a late run never puts back the servers of an
 * older one.
 */
final class ServerMeters implements Runnable {
    private final Metrics metrics;
    private final Supplier<Snapshot> current;

    ServerMeters(Metrics metrics, Supplier<Snapshot> current) {
        this.metrics = metrics;
        this.current = current;
    }

    @Override
    public synchronized void run() {
        Snapshot snapshot = current.get();
        if (snapshot != null) {
            metrics.servers(snapshot.servers().values().stream().flatMap(java.util.List::stream).toList());
        }
    }
}
