package dev.sluice.upstream;

import dev.sluice.config.Plural;
import dev.sluice.config.ServerConfig;
import dev.sluice.observe.MeteredServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server of an upstream as Sluice sees it: whether it may take new requests and handshakes
 * ({@link #state()}), and what it carries. It outlives a reload that still names it (same
 * upstream, same URL), so its drain, its check results and its counts carry over; the
 * connection pool to it belongs to the upstream's snapshot.
 *
 * <p>Its state has three independent sources, and the first that holds out decides: the file
 * ({@code disabled: true}) and the admin API (drain), the active health checks, and the passive
 * ejection after a failure seen on live traffic.
 */
public final class Server implements MeteredServer, HealthTarget {
    /** First ejection; each ejection in a row doubles it, up to {@link #MAX_EJECTION}. */
    static final Duration FIRST_EJECTION = Duration.ofSeconds(2);
    static final Duration MAX_EJECTION = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final String upstream;
    private final URI url;
    private final Clock clock;
    /**
     * The one address of the URL's host name this server stands for, when its upstream has
     * {@code resolve-interval} (each address is a server of its own); null: the URL is the server.
     */
    private final InetAddress member;
    /** Resolved where the configuration is built, never on an IO thread; again at each reload that rebuilds its upstream. */
    private volatile InetSocketAddress address;
    private volatile ServerConfig config;

    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicInteger openTunnels = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder connectErrors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder resets = new LongAdder();

    private volatile boolean checkedDown;
    private volatile String downReason;
    /** {@link System#nanoTime()} until which the server is ejected; meaningful while {@link #ejections} > 0. */
    private volatile long ejectedUntil;
    /** Ejections in a row without a success between them; 0 when none. */
    private volatile int ejections;
    private volatile String ejectedFor;
    private volatile Drain drain;
    /** Its host name no longer resolves to {@link #member}. */
    private volatile boolean removed;

    public Server(String upstream, ServerConfig config, Clock clock) {
        this(upstream, config, null, clock);
    }

    /** @param member the address of the URL's host name this server stands for, or null for the URL itself */
    public Server(String upstream, ServerConfig config, InetAddress member, Clock clock) {
        this.upstream = upstream;
        this.url = config.url();
        this.config = config;
        this.member = member;
        this.clock = clock;
        this.address = resolve();
    }

    /** Looks its host name up (a literal is only parsed): call where blocking is fine, not on an IO thread. */
    public InetSocketAddress resolve() {
        return member != null ? new InetSocketAddress(member, url.getPort()) : new InetSocketAddress(url.getHost(), url.getPort());
    }

    /** The address of its host name it stands for, or null when the URL is the server. */
    public InetAddress member() {
        return member;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String hostHeader() {
        return url.getHost() + ":" + url.getPort();
    }

    @Override
    public boolean checkedUp() {
        return !checkedDown;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    public URI url() {
        return url;
    }

    /**
     * Its route, or host:port when it has none: how the admin API and the metrics name it. One
     * address of a name is {@code host@address:port}, so that the servers of one name differ.
     */
    @Override
    public String name() {
        if (member == null) {
            return config.name();
        }
        String ip = member.getHostAddress();
        return url.getHost() + "@" + (member instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + url.getPort();
    }

    public String route() {
        return config.route();
    }

    public int weight() {
        return config.weight();
    }

    public boolean backup() {
        return config.backup();
    }

    /** What the last reload said of it (weight, backup, disabled may change; the URL may not). */
    public void reconfigure(ServerConfig next, InetSocketAddress resolved) {
        if (!next.url().equals(url)) {
            throw new IllegalArgumentException(next.url() + " is not " + url);
        }
        address = resolved;
        boolean wasDisabled = config.disabled();
        config = next;
        if (wasDisabled != next.disabled()) {
            log.info(next.disabled() ? "SLU6005 {} is disabled by the file: no new requests or handshakes; open tunnels stay"
                    : "SLU6006 {} is enabled again by the file", this);
        }
    }

    public ServerState state() {
        if (removed) {
            return ServerState.REMOVED;
        }
        if (config.disabled()) {
            return ServerState.DISABLED;
        }
        if (drain != null) {
            return ServerState.DRAINING;
        }
        if (checkedDown) {
            return ServerState.DOWN;
        }
        if (ejected()) {
            return ServerState.EJECTED;
        }
        return ServerState.UP;
    }

    /** May take new requests and handshakes. */
    @Override
    public boolean isUp() {
        return !removed && !config.disabled() && drain == null && !checkedDown && !ejected();
    }

    /** Taken out by the file, an operator, its checks or its name: never chosen, not even as a last resort. */
    boolean isOut() {
        return removed || config.disabled() || drain != null || checkedDown;
    }

    /** No request or tunnel uses it. */
    public boolean idle() {
        return openRequests.get() == 0 && openTunnels.get() == 0;
    }

    private boolean ejected() {
        return ejections != 0 && ejectedUntil - System.nanoTime() > 0;
    }

    /** Open requests and tunnels, the load least-connections weighs. */
    public int load() {
        return openRequests.get() + openTunnels.get();
    }

    @Override
    public int openRequests() {
        return openRequests.get();
    }

    @Override
    public int openTunnels() {
        return openTunnels.get();
    }

    @Override
    public long requests() {
        return requests.sum();
    }

    @Override
    public long connectErrors() {
        return connectErrors.sum();
    }

    @Override
    public long timeouts() {
        return timeouts.sum();
    }

    @Override
    public long resets() {
        return resets.sum();
    }

    /** Why it is down or ejected, or null. */
    public String problem() {
        ServerState state = state();
        return state == ServerState.DOWN ? downReason : state == ServerState.EJECTED ? ejectedFor : null;
    }

    public Drain drain() {
        return drain;
    }

    // -- load ------------------------------------------------------------------------------

    public void requestStarted() {
        requests.increment();
        openRequests.incrementAndGet();
    }

    public void requestEnded() {
        openRequests.decrementAndGet();
    }

    public void tunnelOpened() {
        openTunnels.incrementAndGet();
    }

    public void tunnelClosed() {
        openTunnels.decrementAndGet();
    }

    // -- passive health --------------------------------------------------------------------

    /** What went wrong with a request to this server. */
    public enum Failure {
        CONNECT, RESET, TIMEOUT
    }

    /**
     * A failure seen on live traffic: ejects the server for a back-off time (doubling with each
     * ejection in a row), unless it is out already. Then it is tried again.
     */
    public void failed(Failure failure, String reason) {
        (failure == Failure.CONNECT ? connectErrors : failure == Failure.TIMEOUT ? timeouts : resets).increment();
        Duration backoff;
        synchronized (this) {
            if (ejected()) {
                return;
            }
            int n = ejections + 1;
            backoff = FIRST_EJECTION.multipliedBy(1L << Math.min(n - 1, 10));
            if (backoff.compareTo(MAX_EJECTION) > 0) {
                backoff = MAX_EJECTION;
            }
            ejectedUntil = System.nanoTime() + backoff.toNanos();
            ejectedFor = reason;
            ejections = n;
        }
        log.warn("SLU6003 {} is ejected for {} s: {}{}", this, backoff.toSeconds(), reason,
                ejections > 1 ? " (" + ejections + " ejections in a row; each doubles the wait)" : "");
    }

    /**
     * A request got its answer. After its ejection ran out, the server is back and the next
     * ejection starts again from the shortest; an answer to a request sent before the
     * ejection does not cut it short.
     */
    public void answered() {
        if (ejections != 0 && !ejected()) {
            boolean back;
            synchronized (this) {
                back = ejections != 0 && !ejected();
                if (back) {
                    ejections = 0;
                }
            }
            if (back) {
                log.info("SLU6004 {} answers again after its ejection", this);
            }
        }
    }

    // -- active health ---------------------------------------------------------------------

    /**
     * The active checks decided: down after {@code count} failed checks, or up after {@code count}
     * good ones (0: the checks were taken out of the file).
     */
    public void checked(boolean up, int count, String lastReason) {
        if (checkedDown == !up) {
            return;
        }
        checkedDown = !up;
        downReason = up ? null : Plural.of(count, "failed check") + ", last: " + lastReason;
        if (up) {
            synchronized (this) {
                ejections = 0;
            }
            log.info("SLU6002 {} is up: {}", this, count == 0 ? "its upstream has no health check any more"
                    : Plural.of(count, "good check") + " in a row");
        } else {
            log.warn("SLU6001 {} is down: {}", this, downReason);
        }
    }

    // -- its name's addresses ------------------------------------------------------------

    /**
     * Its host name no longer resolves to its address: no new requests or handshakes, as in a
     * drain; its open tunnels stay until they close. False when it was removed already.
     */
    public boolean removedFromName() {
        synchronized (this) {
            if (removed) {
                return false;
            }
            removed = true;
        }
        log.info("SLU6012 {} is removed: {} no longer resolves to it; no new requests or handshakes, its {} until"
                + " closed", this, url.getHost(), Plural.of(openTunnels.get(), "open tunnel stays", "open tunnels stay"));
        return true;
    }

    /** Its host name resolves to its address again before it was dropped; false when it was not removed. */
    public boolean resolvedAgain() {
        synchronized (this) {
            if (!removed) {
                return false;
            }
            removed = false;
        }
        log.info("SLU6017 {} joins again: {} resolves to it again", this, url.getHost());
        return true;
    }

    // -- drain -----------------------------------------------------------------------------

    /** Takes the server out for new requests and handshakes (admin API); false when it was draining already. */
    public boolean startDrain(Duration deadline) {
        synchronized (this) {
            if (drain != null) {
                return false;
            }
            drain = new Drain(clock.instant(), deadline);
        }
        log.info("SLU6007 {} is draining: no new requests or handshakes; its {} {}", this,
                Plural.of(openTunnels.get(), "open tunnel stays", "open tunnels stay"),
                deadline == null ? "until closed" : "at most " + deadline.toSeconds() + " s more");
        return true;
    }

    /** Ends a drain (admin API); false when it was not draining. */
    public boolean enable() {
        synchronized (this) {
            if (drain == null) {
                return false;
            }
            drain = null;
        }
        log.info("SLU6008 {} is enabled: it takes new requests and handshakes again", this);
        return true;
    }

    @Override
    public String toString() {
        String address = url.getHost() + ":" + url.getPort();
        return "server " + name() + (name().equals(address) ? "" : " (" + address + ")") + " of upstream " + upstream;
    }
}
