package dev.sluice.tunnel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the per-tunnel log lines (SLU2001 opened, SLU2002 closed) on a thread of its own:
 * slf4j-simple writes synchronously, and an IO thread that waits for a terminal stalls every
 * tunnel on it. When the queue is full, lines are dropped and the count is logged.
 */
final class TunnelLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Splice.class);
    private static final int QUEUE = 16_384;

    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    TunnelLog() {
        writer = new Thread(this::drain, "sluice-tunnel-log");
        writer.setDaemon(true);
        writer.start();
    }

    void opened(Tunnel tunnel, String requestId) {
        if (log.isDebugEnabled()) {
            offer(() -> log.debug("SLU2001 {} opened (request id {})", tunnel, requestId));
        }
    }

    void closed(Tunnel tunnel) {
        offer(() -> log.info("SLU2002 {} closed ({}) after {} ms, {} bytes / {} messages to upstream,"
                        + " {} bytes / {} messages to client, close codes client {} upstream {}{}",
                tunnel, tunnel.closeReason(), tunnel.age().toMillis(), tunnel.bytesToUpstream(),
                tunnel.messagesToUpstream(), tunnel.bytesToClient(), tunnel.messagesToClient(),
                code(tunnel.clientCloseCode()), code(tunnel.upstreamCloseCode()),
                tunnel.framingProblem() == null ? "" : "; not counted after " + tunnel.framingProblem()));
    }

    private static String code(int code) {
        return code == Tunnel.NO_CLOSE ? "-" : String.valueOf(code);
    }

    private void offer(Runnable line) {
        if (!queue.offer(line)) {
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
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    log.warn("SLU2005 the tunnel log fell behind: {} lines dropped", lost);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued and stops the thread. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
