package dev.sluice.proxyprotocol;

import dev.sluice.config.Plural;
import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * The log lines for connections a PROXY protocol listener closed: at most {@link #PER_WINDOW} in
 * each {@link #WINDOW_NANOS}, so a scanner or a misconfigured balancer cannot flood the log; the
 * first line of a later window says how many were left out. Never a stack trace.
 */
final class RefusalLog {
    static final int PER_WINDOW = 20;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private long windowStart = System.nanoTime();
    private int logged;
    private int skipped;

    RefusalLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code "ID line"} at WARN unless this window's lines are used up. */
    void warn(String id, String line) {
        int before;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                logged = 0;
            }
            if (logged >= PER_WINDOW) {
                skipped++;
                return;
            }
            logged++;
            before = skipped;
            skipped = 0;
        }
        if (before > 0) {
            log.warn("{} {} ({} not logged: at most {} lines per {} s)", id, line,
                    Plural.of(before, "more closed connection"), PER_WINDOW, TimeUnit.NANOSECONDS.toSeconds(WINDOW_NANOS));
        } else {
            log.warn("{} {}", id, line);
        }
    }
}
