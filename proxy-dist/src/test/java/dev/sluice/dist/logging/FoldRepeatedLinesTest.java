package dev.sluice.dist.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.util.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filter in a Logback context of the test's own, its lines caught in a list. */
class FoldRepeatedLinesTest {
    private static final String ERROR_LINE = "{} {} {} -> {}: {} (request id {})"; // ErrorResponses' template
    private static final Pattern SUMMARY = Pattern.compile("SLU1520 \\.\\.\\. and ([0-9,]+) more like it in the last .+");

    private final LoggerContext context = new LoggerContext();
    private final CapturedLines written = new CapturedLines();
    private final AtomicLong clock = new AtomicLong();
    private final Logger errors = context.getLogger("dev.sluice.errors");
    private FoldRepeatedLines filter;

    @BeforeEach
    void logToAList() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's start-up gives the context it makes
        written.setContext(context);
        written.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(written);
        root.setLevel(Level.INFO);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aScanOf10000NotFoundsWritesTheFirstTenAndThenHowManyMore() {
        fold(clock::get, Duration.buildBySeconds(10));
        for (int i = 0; i < 10_000; i++) {
            errors.info(ERROR_LINE, "SLU1404", "GET", "/scan/" + i, 404, "no route", "id" + i);
        }
        assertEquals(10, messages().size());
        assertEquals("SLU1404 GET /scan/0 -> 404: no route (request id id0)", messages().get(0), "the first as it was");

        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        closeExpired();
        ILoggingEvent summary = written.list.get(10);
        assertEquals("SLU1404 ... and 9,990 more like it in the last 10 s", summary.getFormattedMessage());
        assertEquals(Level.INFO, summary.getLevel());
        assertEquals("dev.sluice.errors", summary.getLoggerName());
    }

    @Test
    void oneTemplateWithDifferentIdsOrLevelsFoldsApart() {
        fold(clock::get, Duration.buildBySeconds(10));
        for (int i = 0; i < 12; i++) {
            errors.info(ERROR_LINE, "SLU1404", "GET", "/a" + i, 404, "no route", "a" + i);
            errors.info(ERROR_LINE, "SLU1460", "GET", "/b" + i, 400, "bad request path", "b" + i);
            errors.warn(ERROR_LINE, "SLU1520", "GET", "/c" + i, 502, "cannot connect", "c" + i);
            errors.warn("SLU6003 server {} of upstream {} is ejected", "s" + i, "app");
        }
        assertEquals(40, messages().size());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        closeExpired();
        assertTrue(messages().containsAll(List.of(
                "SLU1404 ... and 2 more like it in the last 10 s",
                "SLU1460 ... and 2 more like it in the last 10 s",
                "SLU1520 ... and 2 more like it in the last 10 s",
                "SLU6003 ... and 2 more like it in the last 10 s")), messages().toString());
        assertEquals(44, messages().size());
    }

    @Test
    void theNextLineAfterTheWindowFirstSaysHowManyWereFolded() {
        fold(clock::get, Duration.buildBySeconds(10));
        for (int i = 0; i < 15; i++) {
            errors.info(ERROR_LINE, "SLU1404", "GET", "/" + i, 404, "no route", i);
        }
        clock.addAndGet(TimeUnit.SECONDS.toNanos(11));
        errors.info(ERROR_LINE, "SLU1404", "GET", "/later", 404, "no route", "later");
        List<String> messages = messages();
        assertEquals(12, messages.size());
        assertEquals("SLU1404 ... and 5 more like it in the last 10 s", messages.get(10));
        assertEquals("SLU1404 GET /later -> 404: no route (request id later)", messages.get(11));
    }

    @Test
    void debugLinesAreNeverFolded() {
        fold(clock::get, Duration.buildBySeconds(10));
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
        Logger tunnels = context.getLogger("dev.sluice.tunnel.Splice");
        for (int i = 0; i < 50; i++) {
            tunnels.debug("SLU2001 tunnel {} opened (request id {})", i, i);
        }
        assertEquals(50, messages().size());
    }

    @Test
    void linesBelowTheLevelAreNeitherWrittenNorCounted() {
        fold(clock::get, Duration.buildBySeconds(10));
        errors.setLevel(Level.WARN);
        for (int i = 0; i < 50; i++) {
            errors.info(ERROR_LINE, "SLU1404", "GET", "/" + i, 404, "no route", i);
            assertTrue(errors.isWarnEnabled()); // asks the filter too, with no message: not a line
        }
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        closeExpired();
        assertEquals(List.of(), messages());
    }

    @Test
    void theTimerReportsAWindowWhenItEndsThoughNoLineComesAgain() {
        fold(System::nanoTime, Duration.buildByMilliseconds(1_500));
        for (int i = 0; i < 30; i++) {
            errors.warn(ERROR_LINE, "SLU1520", "GET", "/" + i, 502, "cannot connect", i);
        }
        // a slow machine may open a second window midway: whatever the split, each line is written or counted
        await().atMost(10, TimeUnit.SECONDS).until(() -> linesWrittenOrCounted() == 30);
        ILoggingEvent fromTimer = written.list.stream()
                .filter(event -> event.getThreadName().equals("sluice-log-folding")).findFirst().orElseThrow();
        assertTrue(SUMMARY.matcher(fromTimer.getFormattedMessage()).matches(), fromTimer.getFormattedMessage());
        assertTrue(fromTimer.getFormattedMessage().endsWith(" more like it in the last 1500 ms"), fromTimer.getFormattedMessage());
        assertEquals(Level.WARN, fromTimer.getLevel());
    }

    private long linesWrittenOrCounted() {
        long sum = 0;
        for (String message : messages()) {
            Matcher summary = SUMMARY.matcher(message);
            sum += summary.matches() ? Long.parseLong(summary.group(1).replace(",", "")) : 1;
        }
        return sum;
    }

    private void fold(LongSupplier nanoClock, Duration window) {
        filter = new FoldRepeatedLines(nanoClock);
        filter.setContext(context);
        filter.setWindow(window);
        filter.setBurst(10);
        filter.start();
        context.addTurboFilter(filter);
    }

    private void closeExpired() {
        filter.closeExpired();
    }

    private List<String> messages() {
        return written.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
