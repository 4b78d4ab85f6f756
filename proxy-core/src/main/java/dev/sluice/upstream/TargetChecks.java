package dev.sluice.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The checks of one target, one at a time, on one IO thread (all state here lives on it). The
 * next check is due {@code interval} after the previous one started, and it is timed only once
 * that one has ended: a check that runs long delays the next instead of running beside it, so a
 * hanging server never has more than one check's connection open.
 */
final class TargetChecks<T extends HealthTarget> {
    private static final Logger LOG = LoggerFactory.getLogger(TargetChecks.class);

    private final T target;
    private final CheckConnection connection;
    private final XnioIoThread ioThread;
    private final HealthProbe probe;
    private final long intervalNanos;
    private final RiseFall riseFall;
    private final HealthChecks.Listener<? super T> listener;
    private final BooleanSupplier stopped;
    private XnioExecutor.Key timer;
    private HealthProbe.Check running;
    private boolean inFlight;
    private long startedAt;
    /** This target alone is no longer checked (its server left the upstream). */
    private boolean cancelled;

    TargetChecks(T target, CheckConnection connection, XnioIoThread ioThread, HealthProbe probe, long intervalNanos, RiseFall riseFall,
                 HealthChecks.Listener<? super T> listener, BooleanSupplier stopped) {
        this.target = target;
        this.connection = connection;
        this.ioThread = ioThread;
        this.probe = probe;
        this.intervalNanos = intervalNanos;
        this.riseFall = riseFall;
        this.listener = listener;
        this.stopped = stopped;
    }

    T target() {
        return target;
    }

    XnioIoThread ioThread() {
        return ioThread;
    }

    /** Times the next check {@code delayNanos} from now; on the IO thread. */
    void schedule(long delayNanos) {
        if (cancelled || stopped.getAsBoolean()) {
            return;
        }
        try {
            timer = ioThread.executeAfter(this::check, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping: no more checks
        }
    }

    /** Cancels the next check and ends the one in flight; on the IO thread. */
    void stop() {
        cancelled = true;
        if (timer != null) {
            timer.remove();
            timer = null;
        }
        if (running != null) {
            running.abort();
            running = null;
        }
    }

    private void check() {
        timer = null;
        if (cancelled || stopped.getAsBoolean()) {
            return;
        }
        startedAt = System.nanoTime();
        inFlight = true;
        HealthProbe.Check check = probe.check(ioThread, target.address(), target.hostHeader(), connection,
                this::checked);
        if (inFlight) { // a check can end before check() returns (refused at once, say)
            running = check;
        }
    }

    private void checked(CheckResult result) {
        inFlight = false;
        running = null;
        if (cancelled || stopped.getAsBoolean()) {
            return;
        }
        if (!result.healthy()) {
            LOG.debug("health check of {} failed: {}", target.hostHeader(), result.reason());
        }
        int count = riseFall.record(result.healthy());
        if (count > 0) {
            try {
                listener.changed(target, riseFall.up(), count, result);
            } catch (RuntimeException e) {
                LOG.warn("health check listener failed on {}", target.hostHeader(), e);
            }
        }
        schedule(Math.max(0, startedAt + intervalNanos - System.nanoTime()));
    }
}
