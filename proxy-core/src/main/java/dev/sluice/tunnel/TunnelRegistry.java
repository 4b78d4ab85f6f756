package dev.sluice.tunnel;

import dev.sluice.observe.AccessLog;
import dev.sluice.observe.Metrics;
import dev.sluice.record.Recording;
import dev.sluice.runtime.Route;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * Every open tunnel of one proxy, and the counts the tunnel limits are checked against.
 *
 * <p>A handshake takes a {@link TunnelSlot} when it is admitted, long before the upstream
 * answers; the slot counts against every limit from then on, so concurrent handshakes cannot
 * overshoot one. The slot becomes the tunnel's on a 101 and is released on every other outcome.
 * Thread-safe: tunnels open and close on IO threads, readers are anywhere.
 */
public final class TunnelRegistry implements AutoCloseable {
    /** How many closed tunnels {@link #recentlyClosed()} keeps. */
    public static final int HISTORY = 256;

    private final Map<Long, Tunnel> open = new ConcurrentHashMap<>();
    private final Deque<Tunnel> closed = new ArrayDeque<>();
    private final TunnelLog log = new TunnelLog();
    private final AtomicInteger slots = new AtomicInteger();
    private final Map<String, Integer> perRoute = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    /** What closed tunnels carried, so that the totals each way never go down. */
    private final LongAdder closedBytesToUpstream = new LongAdder();
    private final LongAdder closedBytesToClient = new LongAdder();
    private final LongAdder closedMessagesToUpstream = new LongAdder();
    private final LongAdder closedMessagesToClient = new LongAdder();
    private final Metrics metrics;
    private final AccessLog accessLog;
    private final Recording recording;
    private final Set<String> routesWithGauge = ConcurrentHashMap.newKeySet();

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
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.recording = recording;
        if (metrics != null) {
            metrics.functionCounter("sluice_tunnel_bytes", "to_upstream", "bytes through WebSocket tunnels", this,
                    r -> r.closedBytesToUpstream.sum() + r.sumOpen(Tunnel::bytesToUpstream));
            metrics.functionCounter("sluice_tunnel_bytes", "to_client", "bytes through WebSocket tunnels", this,
                    r -> r.closedBytesToClient.sum() + r.sumOpen(Tunnel::bytesToClient));
            metrics.functionCounter("sluice_tunnel_messages", "to_upstream", "WebSocket messages through tunnels", this,
                    r -> r.closedMessagesToUpstream.sum() + r.sumOpen(Tunnel::messagesToUpstream));
            metrics.functionCounter("sluice_tunnel_messages", "to_client", "WebSocket messages through tunnels", this,
                    r -> r.closedMessagesToClient.sum() + r.sumOpen(Tunnel::messagesToClient));
        }
    }

    private double sumOpen(ToLongFunction<Tunnel> count) {
        long sum = 0;
        for (Tunnel tunnel : open.values()) {
            sum += count.applyAsLong(tunnel);
        }
        return sum;
    }

    private double openOn(String routeKey) {
        return open.values().stream().filter(t -> t.slot().route().key().equals(routeKey)).count();
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
                    throw new IllegalStateException(open.size() + " tunnels open after " + timeout.toMillis()
                            + " ms, not " + count);
                }
                TimeUnit.NANOSECONDS.timedWait(open, left);
            }
        }
        return open.values().stream().sorted(java.util.Comparator.comparingLong(Tunnel::id)).toList();
    }

    /** Slots taken from this client address: open tunnels and admitted handshakes. */
    public int slotsOf(InetAddress client) {
        return perClient.getOrDefault(client, 0);
    }

    /** Slots taken on this route (by its {@link Route#key()}): open tunnels and admitted handshakes. */
    public int slotsOn(Route route) {
        return perRoute.getOrDefault(route.key(), 0);
    }

    /** Slots taken in the whole proxy: open tunnels and admitted handshakes. */
    public int slots() {
        return slots.get();
    }

    /**
     * Takes a slot for one more tunnel on the route from the client, or says which limit is
     * reached. Each limit is checked and counted in one atomic step.
     *
     * @param maxPerClient 0 for no per-client limit
     * @return a slot, or a refused one whose {@link TunnelSlot#refusal()} names the limit
     */
    TunnelSlot reserve(Route route, InetAddress client, int maxTotal, int maxPerRoute, int maxPerClient) {
        if (!increment(slots, maxTotal)) {
            return TunnelSlot.refused(maxTotal + " tunnels open (limits.max-tunnels)");
        }
        if (!increment(perRoute, route.key(), maxPerRoute)) {
            slots.decrementAndGet();
            return TunnelSlot.refused(maxPerRoute + " tunnels open on route " + route.path()
                    + " (websocket.max-tunnels)");
        }
        if (client != null && !increment(perClient, client, maxPerClient > 0 ? maxPerClient : Integer.MAX_VALUE)) {
            decrement(perRoute, route.key());
            slots.decrementAndGet();
            return TunnelSlot.refused(maxPerClient + " tunnels open from " + client.getHostAddress()
                    + " (limits.max-tunnels-per-client)");
        }
        return new TunnelSlot(this, route, client);
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

    Tunnel register(TunnelSlot slot, String upstream, InetSocketAddress client, InetSocketAddress server,
                    String requestId) {
        long id = ids.incrementAndGet();
        Tunnel tunnel = new Tunnel(id, slot, upstream, client, server, recording.tunnelOpened(id));
        synchronized (open) {
            open.put(tunnel.id(), tunnel);
            open.notifyAll();
        }
        total.incrementAndGet();
        log.opened(tunnel, requestId);
        if (metrics != null) {
            String route = slot.route().key();
            metrics.tunnelOpened(route);
            if (routesWithGauge.add(route)) {
                metrics.routeGauge("sluice_tunnels_open", route, "WebSocket tunnels open on a route", route, this::openOn);
            }
        }
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
        closedBytesToUpstream.add(tunnel.bytesToUpstream());
        closedBytesToClient.add(tunnel.bytesToClient());
        closedMessagesToUpstream.add(tunnel.messagesToUpstream());
        closedMessagesToClient.add(tunnel.messagesToClient());
        if (metrics != null) {
            metrics.tunnelClosed(tunnel.closeReason());
        }
        if (accessLog != null) {
            accessLog.write(accessLine(tunnel));
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

    void release(Route route, InetAddress client) {
        if (client != null) {
            decrement(perClient, client);
        }
        decrement(perRoute, route.key());
        slots.decrementAndGet();
    }

    private static boolean increment(AtomicInteger counter, int max) {
        while (true) {
            int n = counter.get();
            if (n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * The access log's line for a closed tunnel, beside the handshake's own (101) line:
     * {@code 127.0.0.1 "TUNNEL /chat/room" closed 5123ms up=120B/3 down=4096B/7 codes=1000/1000
     * reason="client closed" route=/chat/ upstream=app tunnel=7}.
     */
    private static String accessLine(Tunnel t) {
        InetSocketAddress client = t.client();
        return (client == null || client.getAddress() == null ? "-" : client.getAddress().getHostAddress())
                + " \"TUNNEL " + t.route() + "\" closed " + t.age().toMillis() + "ms"
                + " up=" + t.bytesToUpstream() + "B/" + t.messagesToUpstream()
                + " down=" + t.bytesToClient() + "B/" + t.messagesToClient()
                + " codes=" + Tunnel.codeText(t.clientCloseCode()) + "/" + Tunnel.codeText(t.upstreamCloseCode())
                + " reason=\"" + t.closeReason().replace("\"", "'") + "\""
                + " route=" + t.route() + " upstream=" + t.upstream() + " tunnel=" + t.id();
    }

    private static <K> boolean increment(Map<K, Integer> counts, K key, int max) {
        boolean[] taken = {false};
        // compute() is atomic per key, and a count that drops to zero leaves the map in the same step.
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
