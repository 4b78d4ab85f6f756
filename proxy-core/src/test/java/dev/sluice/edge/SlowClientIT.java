package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow clients must not hold upstream connections: {@code limits.request-body-buffer} (a small
 * body is read whole before an upstream connection is taken), {@code request-body-timeout} (a
 * body that stalls is cut) and {@code send-timeout} (a client that stops reading is dropped).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientIT {
    private static final Duration BODY_TIMEOUT = Duration.ofMillis(300);
    private static final Duration SEND_TIMEOUT = Duration.ofMillis(500);
    /** Comfortably longer than either timeout. */
    private static final Duration QUIET = Duration.ofMillis(1_000);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\nok";

    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    /** What the raw backend made of each upload body it read: "whole N bytes" or how it ended. */
    private final List<String> uploads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopTrickling() {
        trickler.shutdownNow();
    }

    // The scenario: with max-connections-per-server 2, two POSTs whose bodies trickle in
    // (3 of 1000 bytes, then nothing) take no upstream connection, so a GET behind them gets its
    // 200; once one of them sends the rest of its body, it goes through whole.
    @Test
    void twoTricklingPostsDoNotBlockANormalRequest() throws Exception {
        try (RawBackend backend = RawBackend.start(this::readBodyAndAnswerOk);
             Sluice proxy = proxy(backend.uri(), 2, LimitsConfig.DEFAULTS);
             RawPeer slow1 = RawPeer.connect(proxy.port());
             RawPeer slow2 = RawPeer.connect(proxy.port());
             RawPeer normal = RawPeer.connect(proxy.port())) {
            for (RawPeer slow : List.of(slow1, slow2)) {
                slow.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nabc");
            }
            pause(Duration.ofMillis(300)); // the proxy has read both heads

            RawHttp.Response answer = normal.write("GET /normal HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
            assertEquals(200, answer.status(), answer.toString());
            assertEquals(List.of("GET /normal"), requestsSeen(backend), "what reached the upstream");

            RawHttp.Response uploaded = slow1.write("x".repeat(997)).readResponse();
            assertEquals(200, uploaded.status(), uploaded.toString());
            assertEquals(List.of("whole 1000 bytes"), uploads);
        }
    }

    // A POST that sends 10 of its 1000 bytes and then nothing: after request-body-timeout
    // (300 ms) it gets 408 naming the setting, and its connection is closed. Its body was still
    // being buffered, so the upstream never heard of it.
    @Test
    void bodyThatStallsWhileBufferedGets408AndNeverReachesTheUpstream() throws Exception {
        try (RawBackend backend = RawBackend.start(this::readBodyAndAnswerOk);
             Sluice proxy = proxy(backend.uri(), 10, LimitsConfig.DEFAULTS.withRequestBodyTimeout(BODY_TIMEOUT));
             RawPeer client = RawPeer.connect(proxy.port())) {
            long sent = System.nanoTime();
            client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789");

            RawHttp.Response answer = client.readResponse();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertAll(
                    () -> assertEquals(408, answer.status(), answer.toString()),
                    () -> assertTrue(answer.bodyText().contains("limits.request-body-timeout"), answer.bodyText()),
                    () -> assertTrue(tookMillis >= BODY_TIMEOUT.toMillis(), "answered after " + tookMillis + " ms"),
                    () -> assertEnded(client.awaitEnd(Duration.ofSeconds(5))));
            assertEquals(List.of("GET /after"), requestsSeenAfterOneMore(proxy, backend), "what reached the upstream");
        }
    }

    // A chunked POST of which 100,000 bytes arrive, more than the 64 KiB buffer, so it is
    // already streaming to the upstream; then nothing. The client gets 408 and its connection
    // closed; the upstream connection is reset, so the upstream never takes the cut body for a
    // whole one (a clean close would have ended it with the last-chunk marker).
    @Test
    void bodyThatStallsWhileStreamingGets408AndTheUpstreamSeesAReset() throws Exception {
        try (RawBackend backend = RawBackend.start(this::readBodyAndAnswerOk);
             Sluice proxy = proxy(backend.uri(), 10, LimitsConfig.DEFAULTS.withRequestBodyTimeout(BODY_TIMEOUT));
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 5; i++) {
                client.write(Integer.toHexString(20_000) + "\r\n" + "c".repeat(20_000) + "\r\n");
            }

            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals(408, answer.status(), answer.toString()),
                    () -> assertTrue(answer.bodyText().contains("limits.request-body-timeout"), answer.bodyText()),
                    () -> assertEnded(client.awaitEnd(Duration.ofSeconds(5))));
            await("the upstream's read of the body ends").atMost(Duration.ofSeconds(5)).until(() -> !uploads.isEmpty());
            assertEquals(1, uploads.size(), uploads.toString());
            assertTrue(uploads.get(0).contains("Connection reset"), "the upstream's read of the body: " + uploads);
            assertEquals(List.of("POST /upload"), requestsSeen(backend));
        }
    }

    // A POST whose 12 bytes come one every 100 ms, 1.2 s in all, four times the 300 ms
    // request-body-timeout: every byte restarts the clock, so it is not cut, while buffered
    // (the default) or streamed (request-body-buffer: 0), and the upstream gets the whole body.
    @Test
    void bodyThatKeepsTricklingIsNotCut() throws Exception {
        for (long buffer : new long[]{LimitsConfig.DEFAULTS.requestBodyBuffer(), 0}) {
            LimitsConfig limits = LimitsConfig.DEFAULTS.withRequestBodyTimeout(BODY_TIMEOUT).withRequestBodyBuffer(buffer);
            try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.echoBody());
                 Sluice proxy = proxy(backend.uri(), 10, limits);
                 RawPeer client = RawPeer.connect(proxy.port())) {
                String body = "one-by-one!!";
                client.write("POST /trickle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length() + "\r\n\r\n");
                CompletableFuture<Void> sent = trickle(client, body.getBytes(StandardCharsets.US_ASCII), Duration.ofMillis(100));

                RawHttp.Response answer = client.readResponse();
                assertTrue(sent.isDone(), "answered before the body was sent");
                assertEquals(200, answer.status(), "request-body-buffer " + buffer + ": " + answer);
                assertEquals(body, answer.bodyText());
                assertEquals(body, backend.takeRequest().bodyText(), "request-body-buffer " + buffer);
            }
        }
    }

    // Bodies that fit the 64 KiB buffer and bodies that do not, with a Content-Length (kept as
    // sent) and chunked: every one reaches the upstream byte for byte, CR and LF bytes included.
    @Test
    void bufferedAndStreamedBodiesArriveByteExact() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text("ok"));
             Sluice proxy = proxy(backend.uri(), 10, LimitsConfig.DEFAULTS);
             RawPeer client = RawPeer.connect(proxy.port())) {
            for (int size : new int[]{1, 50_000, 65_536, 65_537, 200_000}) {
                byte[] body = randomBytes(size);
                client.write(RawHttp.concat(RawHttp.ascii("POST /sized HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: " + size + "\r\n\r\n"), body));
                assertEquals(200, client.readResponse().status());
                HttpBackendRequest seen = backend.takeRequest();
                assertEquals(String.valueOf(size), seen.header("Content-Length"));
                assertArrayEquals(body, seen.body(), "a " + size + "-byte body with Content-Length");
            }
            for (int size : new int[]{30_000, 100_000}) {
                byte[] body = randomBytes(size);
                client.write(RawHttp.concat(RawHttp.ascii("POST /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n"), chunked(body, 7_000)));
                assertEquals(200, client.readResponse().status());
                assertArrayEquals(body, backend.takeRequest().body(), "a " + size + "-byte chunked body");
            }
        }
    }

    // A client asks for a large download and reads none of it: once the proxy's writes have
    // stalled for send-timeout (500 ms) the client connection is closed, and so is the upstream
    // connection, which frees the only one max-connections-per-server 1 allows for the next request.
    @Test
    void clientThatStopsReadingIsDisconnectedAndItsUpstreamConnectionFreed() throws Exception {
        CompletableFuture<String> download = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                 if (head.target().equals("/big")) {
                     download.complete(sendEndlessly(peer));
                 } else {
                     readBodyAndAnswerOk(peer, head);
                 }
             });
             Sluice proxy = proxy(backend.uri(), 1, LimitsConfig.DEFAULTS.withSendTimeout(SEND_TIMEOUT));
             RawPeer client = RawPeer.connect(proxy.port(), 64 * 1024)) {
            client.write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            await("the proxy gives up the upstream connection").atMost(Duration.ofSeconds(10)).until(download::isDone);
            assertTrue(download.get().startsWith("cut"), download.get());
            try (RawPeer next = RawPeer.connect(proxy.port())) {
                RawHttp.Response answer = next.write("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
                assertEquals(200, answer.status(), answer.toString());
            }
            assertEnded(client.awaitEnd(Duration.ofSeconds(10)));
        }
    }

    // The same for a WebSocket tunnel, as nginx does: the upstream pushes without end to a
    // client that reads nothing; once the writes to the client have stalled for send-timeout
    // (500 ms) the tunnel is closed with that reason, and the upstream's writes fail.
    @Test
    void tunnelToAClientThatStopsReadingIsClosed() throws Exception {
        try (RawBackend backend = RawBackend.webSocket(64 * 1024);
             Sluice proxy = proxy(backend.uri(), 10, LimitsConfig.DEFAULTS.withSendTimeout(SEND_TIMEOUT))) {
            WsWire.Answer answer = WsWire.open(proxy.port(), 64 * 1024, "/ws");
            assertEquals(101, answer.head().status(), answer.head().text());
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 1);
                Tunnel tunnel = proxy.tunnels().list().get(0);
                ProgressWriter pusher = ProgressWriter.start(upstream.out(), 1L << 40, 7);

                await("the tunnel is closed").atMost(Duration.ofSeconds(10)).until(() -> !tunnel.isOpen());
                assertTrue(tunnel.closeReason().contains("limits.send-timeout"), tunnel.closeReason());
                await("the upstream's writes fail").atMost(Duration.ofSeconds(10)).until(pusher::isDone);
                assertEquals(0, proxy.tunnels().open());
            }
        }
    }

    // A reader slower than the upstream but never stalled for long: it takes 512 KiB, then
    // pauses 150 ms, for 12 MiB (3.6 s), with send-timeout 1 s. Once the sockets are full the
    // proxy's writes stall in every pause, yet each write that gets through restarts the clock:
    // the download arrives whole.
    @Test
    void slowReaderThatKeepsReadingIsNotCut() throws Exception {
        int total = 12 << 20;
        Duration sendTimeout = Duration.ofSeconds(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                 peer.write("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n");
                 byte[] chunk = new byte[64 * 1024];
                 for (int sent = 0; sent < total; sent += chunk.length) {
                     peer.write(chunk);
                 }
             });
             Sluice proxy = proxy(backend.uri(), 10, LimitsConfig.DEFAULTS.withSendTimeout(sendTimeout));
             RawPeer client = RawPeer.connect(proxy.port(), 64 * 1024)) {
            RawHttp.Head head = client.write("GET /download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readHead();
            assertEquals(200, head.status(), head.text());
            InputStream body = client.body(head);
            long read = 0;
            while (read < total) {
                byte[] piece = body.readNBytes(512 * 1024);
                if (piece.length == 0) {
                    break;
                }
                read += piece.length;
                pause(Duration.ofMillis(150));
            }
            assertEquals(total, read, "bytes of the download that arrived");
        }
    }

    // send-timeout counts only while a write waits: an SSE-like response that is quiet for
    // longer than the timeout between two events, and a WebSocket tunnel quiet as long
    // between two messages, both go on. (Undertow's WRITE_TIMEOUT would cut both at the first
    // write after the quiet spell.)
    @Test
    void quietResponsesAndTunnelsOutliveTheSendTimeout() throws Exception {
        LimitsConfig limits = LimitsConfig.DEFAULTS.withSendTimeout(SEND_TIMEOUT);
        AtomicInteger streams = new AtomicInteger();
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                 streams.incrementAndGet();
                 peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                         + "6\r\nfirst\n\r\n");
                 pause(QUIET);
                 peer.write("7\r\nsecond\n\r\n");
                 peer.write("6\r\nthird\n\r\n0\r\n\r\n");
             });
             Sluice proxy = proxy(backend.uri(), 10, limits);
             RawPeer client = RawPeer.connect(proxy.port())) {
            for (int i = 0; i < 2; i++) { // the second on the same connection: it was not cut after the first
                RawHttp.Response events = client.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
                assertEquals("first\nsecond\nthird\n", events.bodyText());
            }
        }
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = proxy(backend.uri(), 10, limits)) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, answer.head().status(), answer.head().text());
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                upstream.write(WsWire.serverText("first"));
                assertEquals("first", text(client.readFrame()));
                pause(QUIET);
                upstream.write(WsWire.serverText("second"));
                upstream.write(WsWire.serverText("third"));
                assertEquals("second", text(client.readFrame()));
                assertEquals("third", text(client.readFrame()));
            }
        }
    }

    /** A proxy in front of one server, with the given max-connections-per-server and limits. */
    private static Sluice proxy(URI server, int maxConnections, LimitsConfig limits) {
        UpstreamConfig upstream = new UpstreamConfig("app", List.of(new ServerConfig(server, null)), null,
                UpstreamConfig.DEFAULT_STICKY_COOKIE, Duration.ofSeconds(1), UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT,
                maxConnections);
        return Sluice.builder().limits(limits).upstream(upstream)
                .route(new RouteConfig("/", null, "app", false, WebSocketConfig.DEFAULTS)).start();
    }

    /** Backend script: reads the body as framed, notes how that went, answers 200 and closes. */
    private void readBodyAndAnswerOk(RawPeer peer, RawHttp.Head head) throws IOException {
        if (head.has("Content-Length") || head.has("Transfer-Encoding")) {
            try {
                uploads.add("whole " + peer.requestBody(head).readAllBytes().length + " bytes");
            } catch (IOException e) {
                uploads.add("ended by " + e);
                return;
            }
        }
        peer.write(OK);
    }

    /** Backend script for a download that never ends: how far it got when the proxy cut it. */
    private static String sendEndlessly(RawPeer peer) {
        long sent = 0;
        try {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: " + (1L << 40) + "\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                peer.write(chunk);
                sent += chunk.length;
            }
        } catch (IOException e) {
            return "cut after " + sent + " bytes: " + e;
        }
    }

    /** "METHOD target" of every request head the backend has read. */
    private static List<String> requestsSeen(RawBackend backend) {
        return backend.heads().stream().map(h -> h.method() + " " + h.target()).toList();
    }

    /**
     * Sends GET /after through the proxy and then lists what the backend saw: anything the proxy
     * forwarded of an earlier request was sent before it and has had its time to arrive.
     */
    private static List<String> requestsSeenAfterOneMore(Sluice proxy, RawBackend backend) throws IOException {
        try (RawPeer peer = RawPeer.connect(proxy.port())) {
            RawHttp.Response after = peer.write("GET /after HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
            assertEquals(200, after.status(), after.toString());
        }
        return requestsSeen(backend);
    }

    /** Writes one byte per period on the trickler thread; completes when all are sent. */
    private CompletableFuture<Void> trickle(RawPeer peer, byte[] bytes, Duration period) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        trickler.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                peer.write(new byte[]{bytes[i]});
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
            if (i == bytes.length - 1 || done.isDone()) {
                done.complete(null);
                throw new IllegalStateException("done"); // ends the schedule
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return done;
    }

    private static void assertEnded(String end) {
        assertTrue(end.equals("EOF") || end.startsWith("reset"), "the client connection: " + end);
    }

    /** Lets time pass (Awaitility, not sleep): "slow" in these tests. */
    private static void pause(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < body.length; offset += chunkSize) {
            int length = Math.min(chunkSize, body.length - offset);
            out.writeBytes(RawHttp.ascii(Integer.toHexString(length) + "\r\n"));
            out.write(body, offset, length);
            out.writeBytes(RawHttp.ascii("\r\n"));
        }
        out.writeBytes(RawHttp.ascii("0\r\n\r\n"));
        return out.toByteArray();
    }

    private static String text(WsWire.Frame frame) {
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }
}
