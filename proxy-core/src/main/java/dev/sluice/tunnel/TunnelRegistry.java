package dev.sluice.tunnel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open tunnel of one proxy, and the counts the limits are checked against.
 * Thread-safe: tunnels open and close on IO threads, readers are anywhere.
 */
public final class TunnelRegistry {
    private final Map<Long, Tunnel> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perRoute = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    /** Tunnels open right now. */
    public int open() {
        return open.size();
    }

    /** Tunnels ever opened. */
    public long total() {
        return total.get();
    }

    /** A snapshot of the open tunnels. */
    public List<Tunnel> list() {
        return List.copyOf(open.values());
    }

    /** Open tunnels from one client address. */
    public int openFrom(InetAddress client) {
        AtomicInteger n = perClient.get(client);
        return n == null ? 0 : n.get();
    }

    /** Open tunnels on one route (by its match path). */
    public int openOn(String route) {
        AtomicInteger n = perRoute.get(route);
        return n == null ? 0 : n.get();
    }

    /** Waits until no tunnel is open, or the time is up; true when none is open. */
    public boolean awaitNoneOpen(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return true;
    }

    /** Closes every open tunnel with the given reason. */
    public void closeAll(String reason) {
        open.values().forEach(t -> t.close(reason));
    }

    Tunnel register(String route, String upstream, InetSocketAddress client, InetSocketAddress server) {
        Tunnel tunnel = new Tunnel(ids.incrementAndGet(), route, upstream, client, server);
        open.put(tunnel.id(), tunnel);
        total.incrementAndGet();
        perRoute.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet();
        if (client != null && client.getAddress() != null) {
            perClient.computeIfAbsent(client.getAddress(), a -> new AtomicInteger()).incrementAndGet();
        }
        return tunnel;
    }

    void unregister(Tunnel tunnel) {
        if (open.remove(tunnel.id()) == null) {
            return;
        }
        synchronized (open) {
            open.notifyAll();
        }
        perRoute.computeIfPresent(tunnel.route(), (r, n) -> n.decrementAndGet() == 0 ? null : n);
        InetSocketAddress client = tunnel.client();
        if (client != null && client.getAddress() != null) {
            perClient.computeIfPresent(client.getAddress(), (a, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }
}
