package dev.sluice.dist.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.util.Duration;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logback's {@link AsyncAppender} (configure it with {@code neverBlock}: a full queue drops the
 * line rather than wait), counting what it drops, which the plain one does silently. At most once
 * per {@code reportEvery}, when lines were dropped, one more line goes through the same queue:
 * {@code SLU0018 dropped 1,234 log lines in the last 10 s: stderr is not keeping up}. If even
 * that finds no room, the count grows until a later report fits.
 *
 * <p>The count is exact: the room check and the offer happen under one lock that only offers
 * take, and an offer never waits. The event is prepared (its message formatted) before the lock.
 */
public class DropCountingAsyncAppender extends AsyncAppender {
    private static final String REPORT = "SLU0018 dropped {} log lines in the last {} s: stderr is not keeping up";

    private final Object offers = new Object();
    private long dropped; // guarded by offers
    private long countingSince; // nanoTime; guarded by offers
    private long reportEveryMillis = 10_000;
    private ScheduledExecutorService timer;

    /** From logback.xml, e.g. {@code <reportEvery>10 seconds</reportEvery>}. */
    public void setReportEvery(Duration every) {
        this.reportEveryMillis = every.getMilliseconds();
    }

    @Override
    public void start() {
        super.start();
        if (!isStarted()) {
            return; // no appender to pass to: Logback said why
        }
        synchronized (offers) {
            countingSince = System.nanoTime();
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-log-drops");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::reportDrops, reportEveryMillis, reportEveryMillis, TimeUnit.MILLISECONDS);
    }

    /** A last report, if there is room, then Logback's stop: the queue is written for up to maxFlushTime. */
    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (isStarted()) {
            reportDrops();
        }
        super.stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // the costly part, outside the lock (the super call does it again, cheaply)
        synchronized (offers) {
            if (hasRoomFor(event)) {
                super.append(event);
            } else {
                dropped++;
            }
        }
    }

    /** Lines dropped and not yet reported. */
    long unreported() {
        synchronized (offers) {
            return dropped;
        }
    }

    /** Reports the drops since the last report, if any and if the report itself finds room; the timer's work. */
    void reportDrops() {
        try {
            synchronized (offers) {
                long now = System.nanoTime();
                if (dropped == 0) {
                    countingSince = now; // the next report covers only its own period
                    return;
                }
                if (getRemainingCapacity() == 0) {
                    return;
                }
                long seconds = Math.max(1, Math.round((now - countingSince) / 1e9));
                super.append(report(dropped, seconds));
                dropped = 0;
                countingSince = now;
            }
        } catch (RuntimeException e) {
            addError("reporting dropped log lines failed", e); // the scheduled task must survive for the next report
        }
    }

    /** A full queue, or (with a discardingThreshold above 0) an INFO or lower line past the threshold. */
    private boolean hasRoomFor(ILoggingEvent event) {
        return getRemainingCapacity() > 0 && !(isQueueBelowDiscardingThreshold() && isDiscardable(event));
    }

    private ILoggingEvent report(long count, long seconds) {
        LoggerContext loggers = (LoggerContext) getContext();
        return new LoggingEvent(DropCountingAsyncAppender.class.getName(),
                loggers.getLogger(DropCountingAsyncAppender.class), Level.WARN, REPORT, null,
                new Object[] {String.format(Locale.ROOT, "%,d", count), seconds});
    }
}
