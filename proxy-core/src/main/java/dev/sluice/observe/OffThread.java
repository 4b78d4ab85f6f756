package dev.sluice.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs small tasks (writing a log line) in order on a thread of its own, so that a slow terminal
 * or disk never stalls an IO thread. {@link #offer} never blocks: when the queue is full the
 * task is dropped and counted, and the count is reported after the next batch.
 */
public final class OffThread implements AutoCloseable {
    private final BlockingQueue<Runnable> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable afterBatch;
    private final LongConsumer reportDropped;
    private final Thread thread;
    private volatile boolean closing;

    /**
     * @param afterBatch    runs after each batch of tasks (a flush)
     * @param reportDropped told how many tasks were dropped since it was last told
     */
    public OffThread(String name, int capacity, Runnable afterBatch, LongConsumer reportDropped) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.afterBatch = afterBatch;
        this.reportDropped = reportDropped;
        this.thread = new Thread(this::drain, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the task; never blocks. */
    public void offer(Runnable task) {
        if (!queue.offer(task)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        List<Runnable> batch = new ArrayList<>();
        try {
            while (!closing || !queue.isEmpty()) {
                Runnable first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                batch.forEach(Runnable::run);
                batch.clear();
                afterBatch.run();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    reportDropped.accept(lost);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs what is queued (waiting up to 5 s) and stops the thread. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
