package dev.sluice.dist.logging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts repeats of each key in windows of a fixed length: the first {@code burst} of a window
 * are admitted, the rest folded, and when the window is closed its folded count is reported
 * once. Lock-free, for IO threads: a map lookup and an increment per call.
 *
 * <p>A window opens with the first occurrence of its key and is closed by {@link #closeExpired}
 * (a timer) or by the next occurrence after it ended, whichever comes first; exactly one of them
 * closes it, and every occurrence is either admitted or counted in the report of its window.
 *
 * @param <K> what makes two occurrences the same; a record, for equals and hashCode
 */
final class RepeatWindows<K> {
    /** Where the folded counts go, each once, on the thread that closed the window. */
    interface Report<K> {
        void folded(K key, long count);
    }

    /** A closed window's counter: far enough below zero that late increments stay negative. */
    private static final int CLOSED = Integer.MIN_VALUE;

    private final long windowNanos;
    private final int burst;
    private final int maxKeys;
    private final Report<K> report;
    private final Map<K, Window> open = new ConcurrentHashMap<>();

    RepeatWindows(long windowNanos, int burst, int maxKeys, Report<K> report) {
        if (windowNanos <= 0 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("window " + windowNanos + " ns, burst " + burst + ", keys " + maxKeys);
        }
        this.windowNanos = windowNanos;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.report = report;
    }

    /** True: write this occurrence; false: it is counted and will be in its window's report. */
    boolean admit(K key, long nowNanos) {
        while (true) {
            Window window = open.get(key);
            if (window == null) {
                if (open.size() >= maxKeys) {
                    return true; // memory is bounded; a kind not tracked is written, never lost
                }
                Window fresh = new Window(nowNanos);
                Window raced = open.putIfAbsent(key, fresh);
                window = raced == null ? fresh : raced;
            }
            if (nowNanos - window.start >= windowNanos) {
                close(key, window);
                continue;
            }
            int seen = window.seen.incrementAndGet();
            if (seen > 0) {
                return seen <= burst;
            }
            // closed between the lookup and the increment: count it in the next window
        }
    }

    /** Closes and reports every window that has ended; the timer's work. */
    void closeExpired(long nowNanos) {
        open.forEach((key, window) -> {
            if (nowNanos - window.start >= windowNanos) {
                close(key, window);
            }
        });
    }

    /** Closes every window, ended or not (at stop). */
    void closeAll() {
        open.forEach(this::close);
    }

    /** How many kinds have an open window. */
    int openWindows() {
        return open.size();
    }

    private void close(K key, Window window) {
        if (!open.remove(key, window)) {
            return; // another thread closed it
        }
        // one atomic step: every increment before it is in the count, every one after sees CLOSED
        int seen = window.seen.getAndSet(CLOSED);
        if (seen > burst) {
            report.folded(key, seen - burst);
        }
    }

    private static final class Window {
        final long start;
        final AtomicInteger seen = new AtomicInteger();

        Window(long start) {
            this.start = start;
        }
    }
}
