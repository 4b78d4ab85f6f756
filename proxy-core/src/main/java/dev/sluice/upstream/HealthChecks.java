package dev.sluice.upstream;

import dev.sluice.config.HealthCheckConfig;
import io.undertow.connector.ByteBufferPool;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The active health checks of one upstream's servers: each checked every {@code interval}, at
 * most one check in flight per server, marked down after {@code unhealthy} failed checks in a
 * row and up again after {@code healthy} good ones (every server starts up). The listener hears
 * of each change once; logging it is the listener's business, which knows the server by its own
 * name. Each server's checks stay on one IO thread of the worker, the servers spread over them.
 * Servers may join and leave while it runs ({@code resolve-interval}: {@link #add}, {@link #remove}).
 */
public final class HealthChecks<T extends HealthTarget> {
    /** Told of every change of a server's state, on that server's IO thread; must not block. */
    @FunctionalInterface
    public interface Listener<T> {
        /**
         * @param up    the new state
         * @param count the checks in a row that decided it ({@code unhealthy} going down, {@code healthy} going up)
         * @param last  the last of those checks
         */
        void changed(T target, boolean up, int count, CheckResult last);
    }

    private final List<TargetChecks<T>> targets = new CopyOnWriteArrayList<>();
    private final long intervalNanos;
    private final HealthCheckConfig config;
    private final HealthProbe probe;
    private final XnioWorker worker;
    private final Listener<? super T> listener;
    private final Function<? super T, CheckConnection> connections;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopped;
    /** Targets ever added, so that each next one goes to the next IO thread. */
    private int added;

    public HealthChecks(HealthCheckConfig config, List<? extends T> targets, XnioWorker worker,
                        ByteBufferPool bufferPool, Listener<? super T> listener) {
        this(config, targets, worker, bufferPool, listener, target -> CheckConnection.PLAIN);
    }

    /** @param connections how each target is connected to (TLS for an https server) */
    public HealthChecks(HealthCheckConfig config, List<? extends T> targets, XnioWorker worker,
                        ByteBufferPool bufferPool, Listener<? super T> listener,
                        Function<? super T, CheckConnection> connections) {
        this.intervalNanos = config.interval().toNanos();
        this.config = config;
        this.probe = new HealthProbe(config, bufferPool);
        this.worker = worker;
        this.listener = listener;
        this.connections = connections;
        targets.forEach(t -> this.targets.add(checksOf(t)));
    }

    private synchronized TargetChecks<T> checksOf(T target) {
        XnioIoThread ioThread = worker.getIoThread(added++ % worker.getIoThreadCount());
        return new TargetChecks<>(target, connections.apply(target), ioThread, probe, intervalNanos,
                new RiseFall(config.healthy(), config.unhealthy(), target.checkedUp()), listener, () -> stopped);
    }

    /** Checks this target too, the first time at once once started (a new server is up until its checks say otherwise). */
    public synchronized void add(T target) {
        TargetChecks<T> checks = checksOf(target);
        targets.add(checks);
        if (started.get()) {
            onIoThread(checks.ioThread(), () -> checks.schedule(0));
        }
    }

    /** Checks this target no more; a check of it in flight is closed and its result ignored. */
    public void remove(T target) {
        for (TargetChecks<T> checks : targets) {
            if (checks.target() == target) {
                targets.remove(checks);
                onIoThread(checks.ioThread(), checks::stop);
            }
        }
    }

    /** Starts checking; the first checks are spread over one interval so they do not all go out at once. */
    public synchronized void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("health checks are started once");
        }
        for (int i = 0; i < targets.size(); i++) {
            TargetChecks<T> target = targets.get(i);
            long delay = firstDelay(i, targets.size(), intervalNanos);
            onIoThread(target.ioThread(), () -> target.schedule(delay));
        }
    }

    /** Stops for good: no check starts from now on, those in flight are closed and their results ignored. */
    public void stop() {
        stopped = true;
        for (TargetChecks<T> target : targets) {
            onIoThread(target.ioThread(), target::stop);
        }
    }

    /** When target {@code index} of {@code count} is first checked: {@code index * interval / count}. */
    static long firstDelay(int index, int count, long intervalNanos) {
        return intervalNanos / count * index;
    }

    private static void onIoThread(XnioIoThread ioThread, Runnable task) {
        try {
            ioThread.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping, and every check's connection closes with it
        }
    }
}
