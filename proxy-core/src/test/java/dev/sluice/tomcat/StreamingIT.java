package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpClients;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses from Tomcat are streamed through Sluice, not buffered: an SSE event flushed by
 * the servlet reaches the client while the servlet is still waiting, and a long poll that
 * Tomcat answers late still gets its answer.
 */
class StreamingIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;
    /** Marks the end of a streamed body in the event queue. */
    private static final String END = "<end>";

    private final CountDownLatch release = new CountDownLatch(1);
    private TomcatNode tomcat;
    private Sluice proxy;

    @AfterEach
    void stop() {
        release.countDown(); // never leave a servlet thread waiting while Tomcat stops
        try (TomcatNode t = tomcat; Sluice p = proxy) {
            // the proxy first, then Tomcat
        }
    }

    // Proves event 1 is passed on at once: it arrives while the servlet still holds event 2 back.
    @Test
    void sseEventFlushedByTomcat_reachesTheClientBeforeTheNextIsWritten() throws Exception {
        tomcat = TomcatNode.named("sse").servlet("/events", new TwoEventsServlet(release)).start();
        proxy = TomcatProxy.inFrontOf(tomcat);
        HttpRequest request = HttpRequest.newBuilder(proxy.uri("http", "/events")).build();

        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = CLIENT
                .sendAsync(request, HttpResponse.BodyHandlers.ofPublisher())
                .get(5, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("text/event-stream"), contentType);
        EventQueue events = new EventQueue();
        response.body().subscribe(events);

        assertEquals("data: 1", events.next(), "event 1 while the servlet waits");
        assertEquals(1, release.getCount(), "event 2 must not have been released yet");
        release.countDown();
        assertEquals("data: 2", events.next());
        assertEquals(END, events.next());
    }

    // Proves a long poll answered after ~1 s gets its 200: nothing in between cuts or answers it.
    @Test
    void longPollAnsweredByTomcatAfterOneSecond_getsItsOkResponse() throws Exception {
        BlockingQueue<AsyncContext> parked = new LinkedBlockingQueue<>();
        tomcat = TomcatNode.named("poll").servlet("/poll", new ParkingServlet(parked)).start();
        proxy = TomcatProxy.inFrontOf(tomcat);
        HttpRequest request = HttpRequest.newBuilder(proxy.uri("http", "/poll")).timeout(Duration.ofSeconds(10)).build();

        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> response = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        AsyncContext poll = parked.poll(5, TimeUnit.SECONDS);
        assertNotNull(poll, "the long poll did not reach Tomcat");
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !response.isDone());
        poll.start(() -> answer(poll, "news"));

        HttpResponse<String> answered = response.get(5, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode());
        assertEquals("news", answered.body());
        assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1), "answered before it was released");
    }

    private static void answer(AsyncContext poll, String body) {
        try {
            poll.getResponse().setContentType("text/plain");
            poll.getResponse().getWriter().write(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            poll.complete();
        }
    }

    /** Writes and flushes {@code data: 1}, waits (at most 10 s) for the latch, then writes {@code data: 2}. */
    private static final class TwoEventsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient CountDownLatch release;

        TwoEventsServlet(CountDownLatch release) {
            this.release = release;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/event-stream");
            resp.getWriter().write("data: 1\n\n");
            resp.flushBuffer();
            try {
                boolean released = release.await(10, TimeUnit.SECONDS);
                resp.getWriter().write(released ? "data: 2\n\n" : "data: never released\n\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts async and parks the request for the test to answer; Tomcat's own timeout is 30 s. */
    private static final class ParkingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient BlockingQueue<AsyncContext> parked;

        ParkingServlet(BlockingQueue<AsyncContext> parked) {
            this.parked = parked;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext poll = req.startAsync();
            poll.setTimeout(30_000);
            parked.add(poll);
        }
    }

    /** Splits a streamed body into SSE events (separated by a blank line) as the bytes arrive. */
    private static final class EventQueue implements Flow.Subscriber<List<ByteBuffer>> {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                text.append(StandardCharsets.UTF_8.decode(buffer));
            }
            for (int end = text.indexOf("\n\n"); end >= 0; end = text.indexOf("\n\n")) {
                events.add(text.substring(0, end));
                text.delete(0, end + 2);
            }
        }

        @Override
        public void onError(Throwable error) {
            events.add("error " + error);
        }

        @Override
        public void onComplete() {
            events.add(text.isEmpty() ? END : "unterminated " + text + END);
        }

        /** The next event within 5 s; fails the test when none comes. */
        String next() throws InterruptedException {
            String event = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 5 s");
            return event;
        }
    }
}
