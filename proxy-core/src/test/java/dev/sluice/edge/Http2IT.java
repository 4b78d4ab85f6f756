package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.TlsConfig;
import dev.sluice.record.HttpExchange;
import dev.sluice.testing.Curl;
import dev.sluice.testing.H2Wire;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTP/2 on a listener that asks for it ({@code http2: true}): h2c by upgrade and by prior
 * knowledge, many streams on one connection, forwarded to an HTTP/1.1 upstream with the header
 * mapping HTTP/1.1 needs; a listener without it stays HTTP/1.1 only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2IT {

    private static String yaml(URI upstream, String listener) {
        return """
                listeners: [ { address: 127.0.0.1:0%s } ]
                upstreams: { app: { servers: [ { url: %s } ] } }
                routes: [ { match: { path: / }, upstream: app } ]
                """.formatted(listener, upstream);
    }

    // The JDK client upgrades its first request with Upgrade: h2c; a hundred more go as
    // streams of that connection, each answered with its own body.
    @Test
    void aHundredStreamsAreAnsweredOverH2c() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("hello " + request.uri()));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
            HttpResponse<String> first = get(HttpClients.HTTP_2, proxy, "/first");
            assertEquals("hello /first", first.body());
            assertEquals(HttpClient.Version.HTTP_2, first.version(), "upgraded to h2c");

            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                streams.add(HttpClients.HTTP_2.sendAsync(HttpRequest.newBuilder(proxy.uri("http", "/s/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 100; i++) {
                HttpResponse<String> response = streams.get(i).get(20, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode());
                assertEquals("hello /s/" + i, response.body());
                assertEquals(HttpClient.Version.HTTP_2, response.version());
            }
        }
    }

    // Prior knowledge (the connection starts with the HTTP/2 preface): answered over h2; the
    // upstream gets one Host from :authority and the two cookie fields joined into one Cookie,
    // as HTTP/1.1 wants; the client gets no Connection header.
    @Test
    void priorKnowledgeIsAnsweredAndMappedForAnHttp11Upstream() throws Exception {
        assumeTrue(Curl.available(), "curl with HTTP/2 is not installed");
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.header("Connection", "keep-alive").send("ok"));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
            Curl.Result result = Curl.run("--http2-prior-knowledge", "--include", "-H", "cookie: a=1", "-H", "cookie: b=2",
                    proxy.uri("http", "/pk").toString());
            assertEquals(0, result.exit(), result.err());
            assertTrue(result.out().startsWith("HTTP/2 200"), result.out());
            assertFalse(result.out().toLowerCase().contains("\nconnection:"), "no Connection header on h2: " + result.out());

            HttpBackendRequest seen = backend.takeRequest();
            assertEquals(List.of("a=1; b=2"), seen.headerLines("Cookie"));
            assertEquals(List.of("127.0.0.1:" + proxy.port()), seen.headerLines("Host"));
        }
    }

    // A client that opens more streams than allowed (here 10) gets the one past the limit
    // refused by the protocol (RST_STREAM REFUSED_STREAM); the connection and the others go on.
    @Test
    void aStreamPastTheLimitIsRefused() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: { max-concurrent-streams: 10 }"));
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(H2Wire.PREFACE);
            client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
            for (int i = 0; i < 11; i++) { // POSTs whose bodies never come: each stream stays open
                client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1 + 2 * i, H2Wire.headerBlock(
                        ":method", "POST", ":scheme", "http", ":path", "/upload/" + i,
                        ":authority", "127.0.0.1:" + proxy.port(), "content-length", "5")));
            }
            H2Wire.Frame frame;
            do {
                frame = H2Wire.read(client.in());
                if (frame.type() == H2Wire.SETTINGS && (frame.flags() & H2Wire.ACK) == 0) {
                    client.write(H2Wire.frame(H2Wire.SETTINGS, H2Wire.ACK, 0, new byte[0]));
                }
            } while (frame.type() != H2Wire.RST_STREAM && frame.type() != H2Wire.GOAWAY);
            assertEquals(H2Wire.RST_STREAM, frame.type(), "a stream refused, not the connection");
            assertEquals(21, frame.stream(), "the eleventh stream");
            assertEquals(H2Wire.REFUSED_STREAM, frame.errorCode());

            client.write(H2Wire.frame(H2Wire.DATA, H2Wire.END_STREAM, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
            do {
                frame = H2Wire.read(client.in());
            } while (frame.stream() != 1 || frame.type() != H2Wire.HEADERS);
            assertTrue(new String(frame.payload(), StandardCharsets.ISO_8859_1).contains("200")
                    || (frame.payload()[0] & 0xFF) == 0x88, "stream 1 answered 200 (HPACK :status 200 is 0x88)");
        }
    }

    // A client that resets its streams as fast as it opens them (the "rapid reset" flood) is cut
    // off (a GOAWAY, then the connection closed), and the proxy serves on.
    @Test
    void aResetFloodIsCutOff() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"));
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(H2Wire.PREFACE);
            client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
            java.io.ByteArrayOutputStream flood = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                int stream = 1 + 2 * i;
                flood.writeBytes(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, stream,
                        H2Wire.headerBlock(":method", "GET", ":scheme", "http", ":path", "/" + i,
                                ":authority", "127.0.0.1:" + proxy.port())));
                flood.writeBytes(H2Wire.frame(H2Wire.RST_STREAM, 0, stream, new byte[] {0, 0, 0, 0x8}));
            }
            try {
                client.write(flood.toByteArray());
            } catch (java.io.IOException closedMidway) {
                // the proxy may have hung up before the last frames were written
            }
            // A GOAWAY, or the connection's end: the proxy may close while our flood is still coming
            // in, and then the kernel's reset can overtake the GOAWAY it sent (it is not read here).
            String end = "open";
            try {
                while (end.equals("open")) {
                    end = H2Wire.read(client.in()).type() == H2Wire.GOAWAY ? "goaway" : "open";
                }
            } catch (java.io.EOFException | java.net.SocketException closed) {
                end = "closed";
            }
            assertTrue(end.equals("goaway") || end.equals("closed"), end);
            assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body(), "the proxy serves on");
        }
    }

    // A client must never send PUSH_PROMISE (Undertow 2.4.4 fails on one with a ClassCastException
    // and a stack trace): by prior knowledge, Sluice's frame guard closes the connection first,
    // quietly, and the proxy serves the next one.
    @Test
    void aClientsPushPromiseEndsItsConnectionQuietly() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"));
                 RawPeer client = RawPeer.connect(proxy.port())) {
                client.write(H2Wire.PREFACE);
                client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
                client.write(H2Wire.frame(0x5, 0, 1, new byte[] {0, 0, 0, 2}));
                String end = client.awaitEnd(java.time.Duration.ofSeconds(5)); // frames before the end are read past
                assertTrue(end.startsWith("EOF") || end.startsWith("reset"), end);
                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body());
            }
            assertEquals(List.of(), log.stackTraces().stream().filter(t -> !t.startsWith("[XNIO-")).toList());
        }
    }

    // An indexed field past the dynamic table: Undertow 2.4.4 refuses most with a protocol error,
    // but one that reaches a slot its table emptied makes its HPACK decoder throw a
    // NullPointerException it logs with a stack trace (the third case). Sluice decodes each block
    // first with a copy of that decoder and ends such a connection quietly, in HEADERS or in a
    // CONTINUATION; well-formed blocks that use the table (as an h2 client's second request
    // does) pass.
    @Test
    void anHpackIndexPastTheTableEndsItsConnectionQuietly() throws Exception {
        byte[] indexed = {(byte) 0xBE}; // index 62: the first dynamic entry
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok " + request.uri()));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
                byte[] request = H2Wire.headerBlock(":method", "GET", ":scheme", "http", ":path", "/a",
                        ":authority", "127.0.0.1:" + proxy.port());
                try (RawPeer client = h2Client(proxy)) {
                    client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM | H2Wire.END_HEADERS, 1, indexed));
                    assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(5)));
                }
                try (RawPeer client = h2Client(proxy)) {
                    client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM, 1, request));
                    client.write(H2Wire.frame(H2Wire.CONTINUATION, H2Wire.END_HEADERS, 1, indexed));
                    assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(5)));
                }
                try (RawPeer client = h2Client(proxy)) {
                    // Literals with incremental indexing (0x40): one entry, then one larger than the
                    // table, which empties it (RFC 7541 section 4.4) and moves Undertow's ring on;
                    // then index 62, past the empty table: the case that reaches its null slot.
                    java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
                    block.writeBytes(request);
                    block.writeBytes(new byte[] {0x40, 3, 'x', '-', 'a', 1, 'v'});
                    byte[] large = H2Wire.literalStart("x-b", 4100);
                    large[0] = 0x40;
                    block.writeBytes(large);
                    block.writeBytes("v".repeat(4100).getBytes(StandardCharsets.US_ASCII));
                    block.write(0xBE);
                    client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM | H2Wire.END_HEADERS, 1,
                            block.toByteArray()));
                    assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(5)));
                }
                HttpResponse<String> first = get(HttpClients.HTTP_2, proxy, "/after");
                HttpResponse<String> second = get(HttpClients.HTTP_2, proxy, "/again"); // indexed from the table
                assertEquals("ok /after", first.body());
                assertEquals("ok /again", second.body());
            }
            assertQuiet(log);
        }
    }

    private static RawPeer h2Client(Sluice proxy) throws java.io.IOException {
        RawPeer client = RawPeer.connect(proxy.port());
        client.write(H2Wire.PREFACE);
        client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        return client;
    }

    // After an Upgrade: h2c the connection is HTTP/2 too, and so is watched: a PUSH_PROMISE sent
    // after the 101 (as a client should wait for it), or sent with the upgrade request in one
    // write (read ahead by Undertow's HTTP/1.1 parser), ends the connection quietly.
    @Test
    void aPushPromiseAfterAnH2cUpgradeEndsItsConnectionQuietly() throws Exception {
        String upgrade = "GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
        java.io.ByteArrayOutputStream h2 = new java.io.ByteArrayOutputStream();
        h2.writeBytes(H2Wire.PREFACE);
        h2.writeBytes(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
        h2.writeBytes(H2Wire.frame(H2Wire.PUSH_PROMISE, 0, 1, new byte[] {0, 0, 0, 2}));
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    client.write(upgrade);
                    assertEquals(101, client.readHead().status());
                    client.write(h2.toByteArray());
                    assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(5)));
                }
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    all.writeBytes(upgrade.getBytes(StandardCharsets.US_ASCII));
                    all.writeBytes(h2.toByteArray());
                    client.write(all.toByteArray());
                    assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(5)));
                }
                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body());
            }
            assertQuiet(log);
        }
    }

    // A header block of about 20 KiB in CONTINUATION frames, over max-request-header-size (16 KiB)
    // but within the parser's margin: HTTP/1.1 would get a 431; here Undertow ends the connection
    // without an answer (not Sluice's frame guard: its bound is the margin's end). Quietly.
    @Test
    void aHeaderBlockOverTheLimitInContinuationsEndsTheConnection() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"));
                 RawPeer client = RawPeer.connect(proxy.port())) {
                client.write(H2Wire.PREFACE);
                client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
                client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM, 1, H2Wire.headerBlock(":method", "GET",
                        ":scheme", "http", ":path", "/over", ":authority", "127.0.0.1:" + proxy.port())));
                try {
                    for (int f = 0; f < 2; f++) {
                        client.write(H2Wire.frame(H2Wire.CONTINUATION, f == 1 ? H2Wire.END_HEADERS : 0, 1,
                                H2Wire.headerBlock("x-big-" + f, "v".repeat(10_000))));
                    }
                } catch (java.io.IOException closedMidway) {
                    // the proxy may hang up before the last frame is written
                }
                String end = endOf(client);
                assertTrue(end.equals("goaway") || end.equals("closed"), end);
                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body(), "the proxy serves on");
            }
            assertQuiet(log);
        }
    }

    // A header block of 1 MiB in CONTINUATION frames (max-request-header-size is 16 KiB): the
    // connection ends (GOAWAY, or closed) before the block is taken in, and the proxy serves on.
    @Test
    void aHugeHeaderBlockInContinuationsEndsTheConnection() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"));
                 RawPeer client = RawPeer.connect(proxy.port())) {
                java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
                block.writeBytes(H2Wire.PREFACE);
                block.writeBytes(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
                block.writeBytes(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM, 1, H2Wire.headerBlock(":method", "GET",
                        ":scheme", "http", ":path", "/big-head", ":authority", "127.0.0.1:" + proxy.port())));
                String value = "v".repeat(100);
                for (int f = 0; f < 100; f++) {
                    List<String> fields = new ArrayList<>();
                    for (int i = 0; i < 90; i++) {
                        fields.add("x-h-" + f + "-" + i);
                        fields.add(value);
                    }
                    block.writeBytes(H2Wire.frame(H2Wire.CONTINUATION, f == 99 ? H2Wire.END_HEADERS : 0, 1,
                            H2Wire.headerBlock(fields.toArray(String[]::new))));
                }
                try {
                    client.write(block.toByteArray());
                } catch (java.io.IOException closedMidway) {
                    // the proxy may hang up before the last frames are written
                }
                String end = endOf(client);
                assertTrue(end.equals("goaway") || end.equals("closed"), end);
                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body(), "the proxy serves on");
            }
            assertQuiet(log);
        }
    }

    // The CONTINUATION flood (CVE-2024-27316's kind): a header block that never ends, as one
    // field value declared 1 GiB long or as empty frames without end. The proxy stops taking it
    // after a bounded number of bytes (the client's writes fail), and serves on.
    @Test
    void anEndlessContinuationFloodIsCutOff() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
                for (int payload : new int[] {16 * 1024, 0}) {
                    try (RawPeer client = RawPeer.connect(proxy.port())) {
                        java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream();
                        start.writeBytes(H2Wire.headerBlock(":method", "GET", ":scheme", "http", ":path", "/flood",
                                ":authority", "127.0.0.1:" + proxy.port()));
                        if (payload > 0) {
                            start.writeBytes(H2Wire.literalStart("x-flood", 1L << 30));
                        }
                        client.write(H2Wire.PREFACE);
                        client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
                        client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM, 1, start.toByteArray()));
                        byte[] frame = H2Wire.frame(H2Wire.CONTINUATION, 0, 1, "a".repeat(payload).getBytes(StandardCharsets.US_ASCII));
                        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                        while (batch.size() < 64 * 1024) {
                            batch.writeBytes(frame);
                        }
                        long limit = 256L << 20;
                        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
                        CompletableFuture<String> flood = CompletableFuture.supplyAsync(() -> {
                            try {
                                while (sent.get() < limit) {
                                    client.out().write(batch.toByteArray());
                                    sent.addAndGet(batch.size());
                                }
                                return "all " + sent.get() + " bytes taken";
                            } catch (java.io.IOException cut) {
                                return "cut";
                            }
                        });
                        await("the flood is cut off").atMost(java.time.Duration.ofSeconds(20)).until(flood::isDone);
                        assertEquals("cut", flood.get(), payload + "-byte frames");
                        assertTrue(sent.get() < 64L << 20, "cut after " + sent.get() + " bytes");
                    }
                }
                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/after").body(), "the proxy serves on");
            }
            assertQuiet(log);
        }
    }

    // A client that opens a stream for an endless download, gives a 2 GiB window and then never
    // reads the socket: flow control and the full socket hold the upstream back (what the proxy
    // took from it is bounded), and once the writes have stalled for send-timeout the connection
    // is closed (a RST_STREAM could not reach such a client) and so is the upstream connection.
    // Other clients are served meanwhile.
    @Test
    void aClientThatNeverReadsIsCutAfterTheSendTimeout() throws Exception {
        CompletableFuture<String> download = new CompletableFuture<>();
        try (LogCapture log = LogCapture.start()) {
            try (RawBackend backend = RawBackend.start((peer, head) -> {
                     if (head.target().equals("/big")) {
                         download.complete(sendEndlessly(peer));
                     } else {
                         peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                     }
                 });
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true") + "limits: { send-timeout: 1s }\n");
                 RawPeer client = RawPeer.connect(proxy.port(), 64 * 1024)) {
                client.write(H2Wire.PREFACE);
                client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0,
                        H2Wire.settings(H2Wire.SETTINGS_INITIAL_WINDOW_SIZE, Integer.MAX_VALUE)));
                client.write(H2Wire.windowUpdate(0, Integer.MAX_VALUE - 65_535));
                client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, H2Wire.headerBlock(
                        ":method", "GET", ":scheme", "http", ":path", "/big", ":authority", "127.0.0.1:" + proxy.port())));

                assertEquals("ok", get(HttpClients.HTTP_2, proxy, "/other").body(), "another client is served");
                await("the proxy gives the upstream up").atMost(java.time.Duration.ofSeconds(15)).until(download::isDone);
                assertTrue(download.get().startsWith("cut"), download.get());
                long taken = Long.parseLong(download.get().split(" ")[2]);
                assertTrue(taken < 64L << 20, "the proxy took " + taken + " bytes from the upstream");
                assertEnded(client.awaitEnd(java.time.Duration.ofSeconds(10)));
            }
            assertQuiet(log);
        }
    }

    // A client that keeps reading but leaves the stream's window at 0: nothing can be sent, and
    // after send-timeout the stream is reset; its upstream connection is closed.
    @Test
    void aStreamWhoseWindowStaysShutIsResetAfterTheSendTimeout() throws Exception {
        CompletableFuture<String> download = new CompletableFuture<>();
        try (LogCapture log = LogCapture.start()) {
            try (RawBackend backend = RawBackend.start((peer, head) -> download.complete(sendEndlessly(peer)));
                 Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true") + "limits: { send-timeout: 1s }\n");
                 RawPeer client = RawPeer.connect(proxy.port())) {
                client.write(H2Wire.PREFACE);
                client.write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, H2Wire.settings(H2Wire.SETTINGS_INITIAL_WINDOW_SIZE, 0)));
                client.write(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, H2Wire.headerBlock(
                        ":method", "GET", ":scheme", "http", ":path", "/big", ":authority", "127.0.0.1:" + proxy.port())));
                H2Wire.Frame frame;
                do {
                    frame = H2Wire.read(client.in());
                    if (frame.type() == H2Wire.SETTINGS && (frame.flags() & H2Wire.ACK) == 0) {
                        client.write(H2Wire.frame(H2Wire.SETTINGS, H2Wire.ACK, 0, new byte[0]));
                    }
                    assertNotEquals(H2Wire.DATA, frame.type(), "no DATA through a shut window");
                } while (frame.type() != H2Wire.RST_STREAM && frame.type() != H2Wire.GOAWAY);
                                assertEquals(H2Wire.RST_STREAM, frame.type());
                assertEquals(1, frame.stream());
                await("the upstream is closed").atMost(java.time.Duration.ofSeconds(10)).until(download::isDone);
                assertTrue(download.get().startsWith("cut"), download.get());
            }
            assertQuiet(log);
        }
    }

    // Over TLS, ALPN offers h2: a JDK client speaks HTTP/2 to an https:// listener with http2,
    // many streams at once, each answered with its own body.
    @Test
    void h2OverTlsByAlpn(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ca.clientContext())
                .connectTimeout(java.time.Duration.ofSeconds(5)).build();
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("tls " + request.uri()));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).tls(tls).http2(true).start()) {
            List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                streams.add(client.sendAsync(HttpRequest.newBuilder(proxy.uri("https", "/t/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = streams.get(i).get(20, TimeUnit.SECONDS);
                assertEquals("tls /t/" + i, response.body());
                assertEquals(HttpClient.Version.HTTP_2, response.version());
            }
            if (Curl.available()) {
                Curl.Result curl = Curl.run("--http2", "--cacert", ca.writeCa(dir.resolve("ca.pem")).toString(),
                        "-o", "/dev/null", "-w", "%{http_version} %{http_code}", proxy.uri("https", "/curl").toString());
                assertEquals("2 200", curl.out(), curl.err());
            }
        }
    }

    // Over TLS, Sluice watches the client's frames: a PUSH_PROMISE (which only a server may send)
    // ends the connection before Undertow's parser sees it, and nothing logs a stack trace.
    @Test
    void aClientsPushPromiseOverTlsIsRefusedQuietly(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.builder().route("/", backend.uri()).tls(tls).http2(true).start();
                 javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ca.clientContext().getSocketFactory()
                         .createSocket("127.0.0.1", proxy.port())) {
                javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2"});
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(5000);
                socket.startHandshake();
                assertEquals("h2", socket.getApplicationProtocol());
                socket.getOutputStream().write(H2Wire.PREFACE);
                socket.getOutputStream().write(H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]));
                socket.getOutputStream().write(H2Wire.frame(0x5, 0, 1, new byte[] {0, 0, 0, 2}));
                boolean ended = false;
                try {
                    while (!ended) {
                        ended = H2Wire.read(socket.getInputStream()).type() == H2Wire.GOAWAY;
                    }
                } catch (java.io.IOException closed) {
                    ended = true;
                }
                assertTrue(ended);
            }
            assertEquals(List.of(), log.stackTraces().stream().filter(t -> !t.startsWith("[XNIO-")).toList());
        }
    }

    // A listener without http2 is HTTP/1.1 only: an Upgrade: h2c is answered over HTTP/1.1, and
    // the HTTP/2 preface gets no HTTP/2.
    @Test
    void aListenerWithoutHttp2StaysHttp11() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("plain"));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ""))) {
            HttpResponse<String> response = get(HttpClients.HTTP_2, proxy, "/");
            assertEquals("plain", response.body());
            assertEquals(HttpClient.Version.HTTP_1_1, response.version());
            if (Curl.available()) {
                Curl.Result result = Curl.run("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version}",
                        proxy.uri("http", "/").toString());
                assertNotEquals("2", result.out(), "no HTTP/2 without http2: true");
            }
        }
    }

    // WebSocket keeps working on the HTTP/1.1 connections of an http2 listener.
    @Test
    void webSocketStillWorksOnAnHttp2Listener() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/echo"), recorder);
            ws.sendText("over h1", true).get(5, TimeUnit.SECONDS);
            assertEquals("over h1", recorder.next(java.time.Duration.ofSeconds(5)).text());
        }
    }

    // Faults and the recording apply to a request that came over HTTP/2 as to any other.
    @Test
    void faultsAndRecordingApplyToHttp2Requests() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
             Sluice proxy = Sluice.startYaml(yaml(backend.uri(), ", http2: true"))) {
            get(HttpClients.HTTP_2, proxy, "/warm"); // the connection is h2 from here on
            proxy.faults().add(FaultConfig.httpStatus(503).named("down"));
            HttpResponse<String> faulted = get(HttpClients.HTTP_2, proxy, "/down");
            assertEquals(503, faulted.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, faulted.version());

            await().until(() -> proxy.recording().exchanges().size() == 2);
            HttpExchange recorded = proxy.recording().exchanges().get(1);
            assertEquals("/down", recorded.path());
            assertEquals("HTTP/2.0", recorded.protocol());
            assertEquals(503, recorded.status());
        }
    }

    /** How an HTTP/2 connection ended: "goaway" (read), or "closed" (EOF or reset before a GOAWAY). */
    private static String endOf(RawPeer client) throws java.io.IOException {
        try {
            while (true) {
                if (H2Wire.read(client.in()).type() == H2Wire.GOAWAY) {
                    return "goaway";
                }
            }
        } catch (java.io.EOFException | java.net.SocketException closed) {
            return "closed";
        }
    }

    private static void assertEnded(String end) {
        assertTrue(end.startsWith("EOF") || end.startsWith("reset"), end);
    }

    /** No stack trace and no ERROR line in the log. */
    private static void assertQuiet(LogCapture log) {
        assertEquals(List.of(), log.stackTraces().stream().filter(t -> !t.startsWith("[XNIO-")).toList());
        assertEquals(List.of(), log.lines().stream().filter(line -> line.contains(" ERROR ")).toList());
    }

    /** Backend script: a 1 TiB body, written until the proxy stops taking it; "cut after N bytes: why". */
    private static String sendEndlessly(RawPeer peer) {
        long sent = 0;
        try {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: " + (1L << 40) + "\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                peer.write(chunk);
                sent += chunk.length;
            }
        } catch (java.io.IOException e) {
            return "cut after " + sent + " bytes: " + e;
        }
    }

    private static HttpResponse<String> get(HttpClient client, Sluice proxy, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(proxy.uri("http", path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
