package dev.sluice.dist.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.Duration;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Folds repeated log lines: of each {@link LineKind kind}, the first {@code burst} lines in a
 * {@code window} are written and the rest counted, and when the window ends one line says how
 * many: {@code SLU1404 ... and 1,234 more like it in the last 10 s}, from the same logger at the
 * same level. A 404 scan or an upstream outage then writes a few lines per window, not one per
 * request.
 *
 * <p>A turbo filter, so a folded line is dropped before Logback builds an event or any appender
 * (the asynchronous queue among them) sees it. It runs on the logging thread, often an IO
 * thread: no lock, no waiting, and it never throws (a failure lets the line through). DEBUG and
 * TRACE are never folded: they are turned on to see everything.
 *
 * <p>The burst keeps short lists whole, e.g. one {@code SLU0001 listening on} line per listener
 * or a state change for each server of a cluster at once.
 */
public final class FoldRepeatedLines extends TurboFilter {
    /** Marks the "more like it" lines, which this filter lets through. */
    static final Marker SUMMARY = new BasicMarkerFactory().getDetachedMarker("SLUICE_FOLDED"); // not SLF4J's factory: this runs while SLF4J starts
    /** Kinds tracked at once (templates are call sites, so few); more are written unfolded. */
    static final int MAX_KINDS = 1024;
    private static final String FQCN = FoldRepeatedLines.class.getName();

    private final LongSupplier nanoClock;
    private long windowMillis = 10_000;
    private int burst = 10;
    private volatile RepeatWindows<LineKind> windows;
    private ScheduledExecutorService timer;

    public FoldRepeatedLines() {
        this(System::nanoTime);
    }

    /** With a clock of its own, for tests that step time by hand. */
    FoldRepeatedLines(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** From logback.xml, e.g. {@code <window>10 seconds</window>}. */
    public void setWindow(Duration window) {
        this.windowMillis = window.getMilliseconds();
    }

    /** How many lines of a kind each window writes before it folds the rest. */
    public void setBurst(int burst) {
        this.burst = burst;
    }

    @Override
    public void start() {
        windows = new RepeatWindows<>(TimeUnit.MILLISECONDS.toNanos(windowMillis), burst, MAX_KINDS, this::summarize);
        // a window's report is due when it ends, even if no line of its kind comes again
        long tick = Math.max(10, Math.min(1_000, windowMillis / 5));
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "sluice-log-folding");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::closeExpired, tick, tick, TimeUnit.MILLISECONDS);
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        RepeatWindows<LineKind> current = windows;
        // format is null for isDebugEnabled() and the like; level below the logger's: not written, nothing to fold
        if (current == null || format == null || marker == SUMMARY || level.levelInt < Level.INFO_INT
                || level.levelInt < logger.getEffectiveLevel().levelInt) {
            return FilterReply.NEUTRAL;
        }
        try {
            return current.admit(LineKind.of(logger, level, format, params), nanoClock.getAsLong())
                    ? FilterReply.NEUTRAL : FilterReply.DENY;
        } catch (RuntimeException e) {
            return FilterReply.NEUTRAL; // never fail the caller, an IO thread; the line is written as it would be unfolded
        }
    }

    /** Reports the windows that have ended; the timer runs it, tests may call it. */
    void closeExpired() {
        try {
            windows.closeExpired(nanoClock.getAsLong());
        } catch (RuntimeException e) {
            addError("closing the windows of repeated log lines failed", e); // and the next tick tries again
        }
    }

    private void summarize(LineKind kind, long folded) {
        kind.logger().log(SUMMARY, FQCN, Level.toLocationAwareLoggerInteger(kind.level()),
                "{} ... and {} more like it in the last {}",
                new Object[] {kind.id(), String.format(Locale.ROOT, "%,d", folded), windowText()}, null);
    }

    private String windowText() {
        return windowMillis % 1_000 == 0 ? windowMillis / 1_000 + " s" : windowMillis + " ms";
    }
}
