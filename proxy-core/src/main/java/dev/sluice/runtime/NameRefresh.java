package dev.sluice.runtime;

import dev.sluice.upstream.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an upstream's servers in step with the addresses of its names ({@code resolve-interval}),
 * on the resolver thread: every interval each name is looked up again, and more often (at
 * least every second) the servers whose address left their name are dropped once nothing uses
 * them, so that one disappears soon after its last tunnel closes even with an interval of an hour.
 */
final class NameRefresh {
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(NameRefresh.class);

    private final UpstreamPool pool;
    private final List<NameWatch> names;
    private final long intervalNanos;
    private final NameResolution resolution;
    private ScheduledFuture<?> task;
    private long resolvedAt;

    NameRefresh(UpstreamPool pool, List<NameWatch> names, long intervalNanos, NameResolution resolution) {
        this.pool = pool;
        this.names = List.copyOf(names);
        this.intervalNanos = intervalNanos;
        this.resolution = resolution;
    }

    /** From now on; the names were looked up when the configuration was built. */
    synchronized void start() {
        ScheduledExecutorService thread = resolution.thread();
        if (thread == null || task != null) {
            return;
        }
        resolvedAt = System.nanoTime();
        long period = Math.min(intervalNanos, SWEEP_NANOS);
        task = thread.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void tick() {
        try {
            List<Server> justRemoved = new ArrayList<>();
            if (System.nanoTime() - resolvedAt >= intervalNanos) {
                resolvedAt = System.nanoTime();
                for (NameWatch name : names) {
                    List<InetAddress> addresses = name.resolve(pool.serversOf(name.config()));
                    if (addresses != null) {
                        justRemoved.addAll(pool.resolved(name.config(), addresses));
                    }
                }
            }
            // one just removed may be chosen for a request this very moment: it is dropped at a later tick
            pool.dropRemoved(justRemoved);
        } catch (RuntimeException | Error e) {
            // a scheduled task that throws is never run again: this one must go on
            log.error("SLU6016 keeping upstream {} in step with its names failed; tried again", pool.name(), e);
        }
    }
}
