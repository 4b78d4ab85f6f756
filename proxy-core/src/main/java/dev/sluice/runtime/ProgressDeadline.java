package dev.sluice.runtime;

import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * A deadline that moves with progress: it expires {@code timeout} after the last progress.
 * Progress only notes the time; the one timer, when it fires, re-arms itself for what is left,
 * so a busy connection costs no timer per byte. Used from one IO thread.
 */
public final class ProgressDeadline {
    /** What the deadline asks and tells its owner when the timer fires. */
    public interface Owner {
        /**
         * Whether the deadline still runs. False: the timer is not re-armed (the owner arms it
         * again when it needs to). The owner may note progress here (time that does not count).
         */
        boolean timing();

        /** No progress for the whole timeout ({@code idleNanos} or more). */
        void expired(long idleNanos);
    }

    private final XnioIoThread thread;
    private final long timeoutNanos;
    private final Owner owner;
    private long lastProgress = System.nanoTime();
    private XnioExecutor.Key timer;

    public ProgressDeadline(XnioIoThread thread, long timeoutNanos, Owner owner) {
        this.thread = thread;
        this.timeoutNanos = timeoutNanos;
        this.owner = owner;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Something moved: the deadline is {@code timeout} from now. */
    public void progress() {
        lastProgress = System.nanoTime();
    }

    /** Starts the timer, unless it runs already. */
    public void arm() {
        if (timer == null) {
            timer = IoThreads.executeAfter(thread, this::check, timeoutNanos);
        }
    }

    /** Stops the timer; {@link #arm} starts it again. */
    public void cancel() {
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (!owner.timing()) {
            return;
        }
        long idle = System.nanoTime() - lastProgress;
        if (idle < timeoutNanos) {
            timer = IoThreads.executeAfter(thread, this::check, timeoutNanos - idle);
        } else {
            owner.expired(idle);
        }
    }
}
