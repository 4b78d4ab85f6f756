package dev.sluice.observe;

import dev.sluice.config.AccessLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes access log lines to stdout or a file on a thread of its own, so that a slow
 * terminal or disk never stalls an IO thread. When the queue is full lines are dropped and
 * counted, and the count is reported in the log.
 */
public final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    private static final int QUEUE_LINES = 8192;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Thread writer;
    private volatile boolean closing;

    private AccessLog(Writer out) {
        this.out = out;
        this.writer = new Thread(this::drain, "sluice-access-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** The configured access log, or null when it is off. */
    public static AccessLog open(AccessLogConfig config) throws IOException {
        return switch (config.target()) {
            case OFF -> null;
            case STDOUT -> new AccessLog(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
            case FILE -> new AccessLog(Files.newBufferedWriter(config.file(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        };
    }

    /** Queues one line; never blocks. */
    public void write(String line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        List<String> batch = new ArrayList<>();
        try {
            while (!closing || !queue.isEmpty()) {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                for (String line : batch) {
                    out.write(line);
                    out.write('\n');
                }
                out.flush();
                batch.clear();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    log.warn("SLU0101 access log fell behind: {} lines dropped", lost);
                }
            }
        } catch (IOException e) {
            log.error("SLU0102 cannot write the access log, it is off from now on: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued and stops the writer thread. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The writer thread already reported it.
        }
    }
}
