package dev.sluice.runtime;

import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Tasks for an IO thread that may be stopping. While the proxy stops, its worker refuses new
 * tasks; every connection closes with the worker then, so a task refused is a task no longer
 * needed, not an error to log with a stack trace.
 */
public final class IoThreads {
    private IoThreads() {
    }

    /** Runs {@code task} on {@code thread} after the current event; nothing when the worker is stopping. */
    public static void execute(XnioIoThread thread, Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping: the connections the task was for close with it
        }
    }

    /** Runs {@code task} on {@code thread} after {@code nanos}; null when the worker is stopping. */
    public static XnioExecutor.Key executeAfter(XnioIoThread thread, Runnable task, long nanos) {
        try {
            return thread.executeAfter(task, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            return null;
        }
    }
}
