package dev.sluice.tunnel;

import dev.sluice.config.Plural;
import dev.sluice.observe.AccessLog;
import dev.sluice.observe.Metrics;
import dev.sluice.record.Recording;
import dev.sluice.runtime.Route;

import java.net.InetAddress;
import dev.sluice.upstream.Server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every open tunnel of one proxy and the last {@value #HISTORY} closed, to list, find and wait
 * for. A handshake's {@link TunnelSlot} ({@link TunnelAdmission}, the limits) becomes the
 * tunnel's on a 101; when the tunnel ends it is logged ({@link TunnelLog}), counted
 * ({@link TunnelTraffic}) and written to the access log. Thread-safe: tunnels open and close on
 * IO threads, readers are anywhere.
 */
public final class TunnelRegistry implements AutoCloseable {
    /** How many closed tunnels {@link #recentlyClosed()} keeps. */
    public static final int HISTORY = 256;

    private final Map<Long, Tunnel> open = new ConcurrentHashMap<>();
    private final Deque<Tunnel> closed = new ArrayDeque<>();
    private final TunnelLog log = new TunnelLog();
    private final TunnelAdmission admission = new TunnelAdmission();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final TunnelTraffic traffic;
    private final AccessLog accessLog;
    private final Recording recording;

    /** A registry that reports to no metrics and no access log (tests of the registry itself). */
    public TunnelRegistry() {
        this(null, null, Recording.off());
    }

    /**
     * @param metrics   where tunnel counts and traffic are reported, or null
     * @param accessLog where a line for each closed tunnel goes, or null
     * @param recording where each tunnel's messages are recorded, when it is on
     */
    public TunnelRegistry(Metrics metrics, AccessLog accessLog, Recording recording) {
        this.accessLog = accessLog;
        this.recording = recording;
        this.traffic = new TunnelTraffic(metrics);
    }

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

    /** The most recently closed tunnels, newest first, at most {@link #HISTORY}. */
    public List<Tunnel> recentlyClosed() {
        synchronized (closed) {
            return List.copyOf(closed);
        }
    }

    /** The tunnel with this id, open or among the recently closed, or null. */
    public Tunnel find(long id) {
        Tunnel tunnel = open.get(id);
        if (tunnel != null) {
            return tunnel;
        }
        synchronized (closed) {
            return closed.stream().filter(t -> t.id() == id).findFirst().orElse(null);
        }
    }

    /**
     * Waits until the tunnel with this id has closed and returns it, with its close reason and
     * codes; throws {@link IllegalStateException} when it is still open
     * after {@code timeout} or unknown.
     */
    public Tunnel awaitClosed(long id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (open.containsKey(id)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("tunnel " + id + " still open after " + timeout.toMillis() + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        Tunnel tunnel = find(id);
        if (tunnel == null) {
            throw new IllegalStateException("no tunnel " + id + " among the open and the last " + HISTORY + " closed");
        }
        return tunnel;
    }

    /**
     * Waits until at least {@code count} tunnels are open (a tunnel opens just after the client
     * got its 101) and returns the open ones, oldest first.
     *
     * @throws IllegalStateException when fewer are open after {@code timeout}
     */
    public List<Tunnel> awaitOpen(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (open.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(Plural.of(open.size(), "tunnel") + " open after " + timeout.toMillis()
                            + " ms, not " + count);
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return open.values().stream().sorted(java.util.Comparator.comparingLong(Tunnel::id)).toList();
    }

    /** The totals of every tunnel, which each adds to as its bytes and messages go through. */
    TunnelTraffic traffic() {
        return traffic;
    }

    /** Slots taken from this client address: open tunnels and admitted handshakes. */
    public int slotsOf(InetAddress client) {
        return admission.slotsOf(client);
    }

    /** Slots taken on this route (by its {@link Route#key()}): open tunnels and admitted handshakes. */
    public int slotsOn(Route route) {
        return admission.slotsOn(route);
    }

    /** Slots taken in the whole proxy: open tunnels and admitted handshakes. */
    public int slots() {
        return admission.slots();
    }

    /** A slot under the limits for one more tunnel, or a refused one (see {@link TunnelAdmission#reserve}). */
    TunnelSlot reserve(Route route, InetAddress client, int maxTotal, int maxPerRoute, int maxPerClient) {
        return admission.reserve(route, client, maxTotal, maxPerRoute, maxPerClient);
    }

    /** Waits until no tunnel is open, or the time is up; true when none is open. */
    public boolean awaitNoneOpen(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (open) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return true;
    }

    /**
     * Closes every open tunnel with the given reason and waits, up to {@code within}, until
     * each has closed (and logged its end) on its IO thread.
     *
     * @return the tunnels still open when the time ran out
     */
    public int closeAll(String reason, Duration within) throws InterruptedException {
        for (Tunnel tunnel : open.values()) {
            tunnel.close(reason);
        }
        awaitNoneOpen(within);
        return open.size();
    }

    /**
     * Closes the open tunnels to this server (a WebSocket Close 1001 to each peer), as when its
     * drain's deadline has passed.
     *
     * @return how many were open
     */
    public int closeTunnelsOf(Server server, String reason) {
        int n = 0;
        for (Tunnel tunnel : open.values()) {
            if (tunnel.upstreamServer() == server) {
                tunnel.close(reason);
                n++;
            }
        }
        return n;
    }

    /** Whether closed tunnels are written to an access log, so that their handshake's fields are worth keeping. */
    boolean logsAccess() {
        return accessLog != null;
    }

    Tunnel register(TunnelSlot slot, String upstream, InetSocketAddress client, InetSocketAddress server,
                    Server upstreamServer, String requestId, AccessFields access) {
        long id = ids.incrementAndGet();
        Tunnel tunnel = new Tunnel(id, slot, upstream, client, server, upstreamServer, recording.tunnelOpened(id), traffic,
                access);
        if (upstreamServer != null) {
            upstreamServer.tunnelOpened();
        }
        synchronized (open) {
            open.put(tunnel.id(), tunnel);
            open.notifyAll();
        }
        total.incrementAndGet();
        log.opened(tunnel, requestId);
        traffic.opened(tunnel);
        return tunnel;
    }

    void unregister(Tunnel tunnel) {
        tunnel.slot().release();
        synchronized (closed) {
            closed.addFirst(tunnel);
            if (closed.size() > HISTORY) {
                closed.removeLast();
            }
        }
        if (open.remove(tunnel.id()) == null) {
            return;
        }
        if (tunnel.upstreamServer() != null) {
            tunnel.upstreamServer().tunnelClosed();
        }
        traffic.closed(tunnel);
        if (accessLog != null) {
            accessLog.write(tunnel.accessEntry());
        }
        log.closed(tunnel);
        synchronized (open) {
            open.notifyAll();
        }
    }

    /** Writes the tunnel log lines still queued; call once the tunnels are closed. */
    @Override
    public void close() {
        log.close();
    }

}
