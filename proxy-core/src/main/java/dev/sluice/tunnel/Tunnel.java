package dev.sluice.tunnel;

import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.AccessEntry;
import dev.sluice.record.MessageLog;
import dev.sluice.record.WsMessage;
import dev.sluice.upstream.Server;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.OpenTunnel;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.List;

/**
 * What can be seen of one tunnel: who, where, since when, bytes and WebSocket messages each
 * way, live while it is open; after its end, the reason and the Close codes each peer sent.
 * Counters are updated on the IO thread and read from anywhere.
 */
public final class Tunnel implements OpenTunnel {
    /** A close code not seen: the peer sent no Close frame. */
    public static final int NO_CLOSE = -1;

    private final long id;
    private final TunnelSlot slot;
    private final String upstream;
    private final InetSocketAddress client;
    private final InetSocketAddress server;
    private final long startedMillis = System.currentTimeMillis();
    private volatile long bytesToUpstream;
    private volatile long bytesToClient;
    private volatile String closeReason;
    private volatile long endedMillis;
    /** While open: where the message counts live. Dropped at the end, so a closed tunnel holds no connection. */
    private volatile Splice splice;
    private volatile long messagesToUpstream;
    private volatile long messagesToClient;
    private volatile int clientCloseCode = NO_CLOSE;
    private volatile int upstreamCloseCode = NO_CLOSE;
    private volatile String framing;
    /** Actions asked for before the splice started; see {@link #act}. */
    private Consumer<Splice> pending;
    /** Where its messages are recorded, or null when the proxy does not record. */
    private final MessageLog messageLog;
    /** The registry's totals, which its bytes are added to as they go through. */
    private final TunnelTraffic traffic;

    /** The upstream server as Sluice keeps it (its state and counts), or null for a tunnel made in a test. */
    private final Server upstreamServer;

    /** The handshake's fields its access-log entry repeats, or null without an access log. */
    private final AccessFields access;

    Tunnel(long id, TunnelSlot slot, String upstream, InetSocketAddress client, InetSocketAddress server,
           Server upstreamServer, MessageLog messageLog, TunnelTraffic traffic, AccessFields access) {
        this.id = id;
        this.access = access;
        this.upstreamServer = upstreamServer;
        this.traffic = traffic;
        this.messageLog = messageLog;
        this.slot = slot;
        this.upstream = upstream;
        this.client = client;
        this.server = server;
    }

    public long id() {
        return id;
    }

    /** The match path of the route that opened it. */
    public String route() {
        return slot.route().path();
    }

    /** Name of the upstream in the configuration. */
    public String upstream() {
        return upstream;
    }

    public InetSocketAddress client() {
        return client;
    }

    /** Its access-log entry, once it has closed. */
    AccessEntry.ClosedTunnel accessEntry() {
        AccessFields a = access != null ? access : new AccessFields(route(), null, null, null, null);
        return new AccessEntry.ClosedTunnel(System.currentTimeMillis(),
                client == null || client.getAddress() == null ? null : client.getAddress().getHostAddress(), a.target(),
                age().toMillis(), a.host(), a.referer(), a.userAgent(), route(), upstream, SocketAddresses.text(server),
                a.requestId(), id, bytesToUpstream(), messagesToUpstream(), bytesToClient(), messagesToClient(),
                clientCloseCode(), upstreamCloseCode(), closeReason());
    }

    /** The upstream server the tunnel leads to, as its upstream counts it, or null. */
    public Server upstreamServer() {
        return upstreamServer;
    }

    /** Address of the upstream server the tunnel leads to. */
    public InetSocketAddress server() {
        return server;
    }

    public Instant started() {
        return Instant.ofEpochMilli(startedMillis);
    }

    /** How long it has been open, or was open once closed. */
    public Duration age() {
        long end = endedMillis == 0 ? System.currentTimeMillis() : endedMillis;
        return Duration.ofMillis(end - startedMillis);
    }

    public long bytesToUpstream() {
        return bytesToUpstream;
    }

    public long bytesToClient() {
        return bytesToClient;
    }

    /** WebSocket messages (not fragments) the client sent through the tunnel so far. */
    public long messagesToUpstream() {
        Splice s = splice;
        return s == null ? messagesToUpstream : s.scanner(Direction.TO_UPSTREAM).messages();
    }

    /** WebSocket messages (not fragments) the upstream sent through the tunnel so far. */
    public long messagesToClient() {
        Splice s = splice;
        return s == null ? messagesToClient : s.scanner(Direction.TO_CLIENT).messages();
    }

    /** The code of the Close frame the client sent, or {@link #NO_CLOSE}; 1005 for a Close without one. */
    public int clientCloseCode() {
        Splice s = splice;
        return s == null ? clientCloseCode : s.scanner(Direction.TO_UPSTREAM).closeCode();
    }

    /** The code of the Close frame the upstream sent, or {@link #NO_CLOSE}; 1005 for a Close without one. */
    public int upstreamCloseCode() {
        Splice s = splice;
        return s == null ? upstreamCloseCode : s.scanner(Direction.TO_CLIENT).closeCode();
    }

    /**
     * Null while both directions are well-formed WebSocket frames; otherwise why the frame
     * scanner stopped counting (e.g. "to upstream: reserved opcode 0x3 at byte 1234").
     */
    public String framingProblem() {
        Splice s = splice;
        if (s == null) {
            return framing;
        }
        return framingProblem(s.scanner(Direction.TO_UPSTREAM), s.scanner(Direction.TO_CLIENT));
    }

    /**
     * The WebSocket messages recorded in this tunnel so far, oldest first (see
     * {@link dev.sluice.record.Recording#messages(long)}); empty when the proxy does not record.
     */
    public List<WsMessage> messages() {
        return messageLog == null ? List.of() : messageLog.list();
    }

    /** Why it closed, or null while it is open. */
    public String closeReason() {
        return closeReason;
    }

    public boolean isOpen() {
        return closeReason == null;
    }

    /**
     * Closes both sides (asynchronously, on the tunnel's IO thread) with the reason given in the
     * log: each peer first gets a WebSocket Close 1001 at the next frame boundary.
     */
    public void close(String reason) {
        act(s -> s.closePolitelyFromAnyThread(reason, "going away: " + reason));
    }

    /**
     * Sends both peers a WebSocket Close with this code and reason at the next frame boundary,
     * then closes as {@link #close(String)} does; logged as closed by {@code why}.
     */
    @Override
    public void close(int code, String reason, String why) {
        act(s -> s.closePolitelyFromAnyThread(why, code, reason));
    }

    /** Resets both connections (TCP RST to each peer) {@code after} from now, if still open then. */
    @Override
    public void reset(String reason, Duration after) {
        act(s -> s.resetFromAnyThread(reason, after));
    }

    /**
     * Runs an action on the splice; one asked for between the registration and the start of the
     * splice (a tunnel is listed as soon as the client has its 101) runs when the splice starts.
     */
    private synchronized void act(Consumer<Splice> action) {
        if (splice != null) {
            action.accept(splice);
        } else if (closeReason == null) {
            pending = pending == null ? action : pending.andThen(action);
        }
    }

    /** Where the tunnel's stages record its messages, or null. */
    MessageLog messageLog() {
        return messageLog;
    }

    TunnelSlot slot() {
        return slot;
    }

    /** The splice, for tests in this package that look at its connections. */
    Splice splice() {
        return splice;
    }

    synchronized void attach(Splice splice) {
        this.splice = splice;
        if (pending != null) {
            pending.accept(splice);
            pending = null;
        }
    }

    void addToUpstream(int n) {
        bytesToUpstream += n; // single writer: the IO thread
        traffic.bytesToUpstream.add(n);
    }

    void addToClient(int n) {
        bytesToClient += n;
        traffic.bytesToClient.add(n);
    }

    void closed(String reason, FrameScanner toUpstream, FrameScanner toClient) {
        messagesToUpstream = toUpstream.messages();
        messagesToClient = toClient.messages();
        clientCloseCode = toUpstream.closeCode();
        upstreamCloseCode = toClient.closeCode();
        framing = framingProblem(toUpstream, toClient);
        endedMillis = System.currentTimeMillis();
        splice = null;
        closeReason = reason; // last: a reader that sees the reason sees the final counts
    }

    private static String framingProblem(FrameScanner toUpstream, FrameScanner toClient) {
        if (!toUpstream.inSync()) {
            return Direction.TO_UPSTREAM + ": " + toUpstream.syncLostReason();
        }
        if (!toClient.inSync()) {
            return Direction.TO_CLIENT + ": " + toClient.syncLostReason();
        }
        return null;
    }

    @Override
    public String toString() {
        return "tunnel " + id + " route=" + route() + " client=" + format(client) + " upstream=" + upstream
                + " (" + format(server) + ")";
    }

    /** A close code as logs write it: the number, or {@code -} when none came. */
    static String codeText(int code) {
        return code == NO_CLOSE ? "-" : String.valueOf(code);
    }

    static String format(InetSocketAddress address) {
        return address == null ? "?" : SocketAddresses.text(address);
    }
}
