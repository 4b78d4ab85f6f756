package dev.sluice.dist.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.util.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appender in front of a real OS pipe that nobody reads at first, as stderr is when its
 * reader hangs: the writer thread blocks on it, the queue fills, and the logging threads must
 * go on regardless.
 */
class DropCountingAsyncAppenderTest {
    private static final Pattern REPORT = Pattern.compile(
            "SLU0018 dropped ([0-9,]+) log lines in the last \\d+ s: stderr is not keeping up");
    private static final int LINES = 10_000;
    private static final String FILLER = "no route for host '127.0.0.1'".repeat(4); // a line of about 150 bytes, as Sluice's are

    private final LoggerContext context = new LoggerContext();
    private final Pipe stderr;
    private final List<String> read = new CopyOnWriteArrayList<>();

    DropCountingAsyncAppenderTest() throws IOException {
        stderr = Pipe.open();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's start-up gives the context it makes
    }

    @AfterEach
    void stop() throws IOException {
        stderr.source().close(); // a writer still blocked on the pipe fails and ends
        context.stop();
        stderr.sink().close();
    }

    @Test
    void aPipeNobodyReadsNeverBlocksTheLoggerAndEveryDroppedLineIsCounted() throws IOException {
        DropCountingAsyncAppender async = asyncToThePipe(64);
        Logger log = context.getLogger("dev.sluice.errors");
        log.addAppender(async);

        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            for (int i = 0; i < LINES; i++) {
                log.info("SLU1404 GET /scan/{} -> 404: {}", i, FILLER);
            }
        }, "a logging thread waited for the pipe");

        readThePipe();
        await().atMost(10, TimeUnit.SECONDS).until(() -> written() + dropped() == LINES && dropped() > 0);
        assertEquals(0, async.unreported());
        List<Integer> order = read.stream().filter(line -> line.startsWith("SLU1404"))
                .map(line -> Integer.parseInt(line.replaceAll("\\D+(\\d+).*", "$1"))).toList();
        assertEquals(order.stream().sorted().toList(), order, "what was written came in order");
    }

    @Test
    void aReportWaitsForRoomInTheQueueAndCountsOnMeanwhile() throws IOException {
        DropCountingAsyncAppender async = asyncToThePipe(4);
        Logger log = context.getLogger("dev.sluice.errors");
        log.addAppender(async);
        for (int i = 0; i < 2_000; i++) {
            log.info("SLU1404 GET /scan/{} -> 404: {}", i, FILLER);
        }
        // the writer is stuck on the full pipe and the queue is full: no report fits, none is lost
        assertEquals(0, async.getRemainingCapacity());
        long unreported = async.unreported();
        assertTrue(unreported > 1_000, "most found the queue full: " + unreported);
        async.reportDrops();
        assertEquals(unreported, async.unreported(), "kept for a later report");

        readThePipe();
        await().atMost(10, TimeUnit.SECONDS).until(() -> written() + dropped() == 2_000);
    }

    private DropCountingAsyncAppender asyncToThePipe(int queueSize) throws IOException {
        fillThePipe();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> pipe = new OutputStreamAppender<>();
        pipe.setContext(context);
        pipe.setEncoder(encoder);
        pipe.setOutputStream(Channels.newOutputStream(stderr.sink()));
        pipe.start();

        DropCountingAsyncAppender async = new DropCountingAsyncAppender();
        async.setContext(context);
        async.setQueueSize(queueSize);
        async.setNeverBlock(true);
        async.setDiscardingThreshold(0);
        async.setMaxFlushTime(100);
        async.setReportEvery(Duration.buildByMilliseconds(100));
        async.addAppender(pipe);
        async.start();
        return async;
    }

    /** Stderr that is already full when logging starts: the first line written blocks the writer thread. */
    private void fillThePipe() throws IOException {
        Pipe.SinkChannel sink = stderr.sink();
        sink.configureBlocking(false);
        ByteBuffer filler = ByteBuffer.wrap("filler\n".repeat(1_000).getBytes(StandardCharsets.UTF_8));
        while (sink.write(filler.rewind()) > 0) {
            // until the pipe takes no more of it
        }
        ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
        while (sink.write(newline.rewind()) > 0) {
            // and no single byte either (a pipe may refuse a long write with a page free)
        }
        sink.configureBlocking(true);
    }

    private void readThePipe() {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    Channels.newInputStream(stderr.source()), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    read.add(line);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, "pipe reader");
        reader.setDaemon(true);
        reader.start();
    }

    private long written() {
        return read.stream().filter(line -> line.startsWith("SLU1404")).count();
    }

    private long dropped() {
        long sum = 0;
        for (String line : read) {
            Matcher report = REPORT.matcher(line);
            if (report.matches()) {
                sum += Long.parseLong(report.group(1).replace(",", ""));
            }
        }
        return sum;
    }
}
