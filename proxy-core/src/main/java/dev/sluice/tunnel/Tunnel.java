package dev.sluice.tunnel;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What can be seen of one tunnel, live: who, where, since when, and how many bytes have
 * passed each way so far. Counters are updated on the IO thread and read from anywhere.
 */
public final class Tunnel {
    private final long id;
    private final TunnelSlot slot;
    private final String route;
    private final String upstream;
    private final InetSocketAddress client;
    private final InetSocketAddress server;
    private final Instant started = Instant.now();
    private volatile long bytesToUpstream;
    private volatile long bytesToClient;
    private volatile String closeReason;
    private volatile Splice splice;

    Tunnel(long id, TunnelSlot slot, String upstream, InetSocketAddress client, InetSocketAddress server) {
        this.id = id;
        this.slot = slot;
        this.route = slot.route().path();
        this.upstream = upstream;
        this.client = client;
        this.server = server;
    }

    public long id() {
        return id;
    }

    /** The match path of the route that opened it. */
    public String route() {
        return route;
    }

    /** Name of the upstream in the configuration. */
    public String upstream() {
        return upstream;
    }

    public InetSocketAddress client() {
        return client;
    }

    /** Address of the upstream server the tunnel leads to. */
    public InetSocketAddress server() {
        return server;
    }

    public Instant started() {
        return started;
    }

    public Duration age() {
        return Duration.between(started, Instant.now());
    }

    public long bytesToUpstream() {
        return bytesToUpstream;
    }

    public long bytesToClient() {
        return bytesToClient;
    }

    /** Why it closed, or null while it is open. */
    public String closeReason() {
        return closeReason;
    }

    public boolean isOpen() {
        return closeReason == null;
    }

    /** Closes both sides (asynchronously, on the tunnel's IO thread) giving the reason in the log. */
    public void close(String reason) {
        Splice s = splice;
        if (s != null) {
            s.closeFromAnyThread(reason);
        }
    }

    TunnelSlot slot() {
        return slot;
    }

    /** The splice, for tests in this package that look at its connections. */
    Splice splice() {
        return splice;
    }

    void attach(Splice splice) {
        this.splice = splice;
    }

    void addToUpstream(int n) {
        bytesToUpstream += n; // single writer: the IO thread
    }

    void addToClient(int n) {
        bytesToClient += n;
    }

    void closed(String reason) {
        closeReason = reason;
    }

    @Override
    public String toString() {
        return "tunnel " + id + " route=" + route + " client=" + format(client) + " upstream=" + upstream
                + " (" + format(server) + ")";
    }

    static String format(InetSocketAddress address) {
        return address == null ? "?" : address.getAddress() == null
                ? address.getHostString() + ":" + address.getPort()
                : address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
