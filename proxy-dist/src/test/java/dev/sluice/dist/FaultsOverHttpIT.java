package dev.sluice.dist;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Faults through the admin API of the running distribution, as a test suite in Python or Node
 * would use them: only HTTP and WebSocket clients, no Sluice classes. One {@code bin/sluice}
 * process serves every test here (a JVM start is dear); each test removes its faults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FaultsOverHttpIT {
    private static final Duration LATENCY = Duration.ofMillis(300);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path dir;
    private LaunchedSluice sluice;
    private int port;
    private int adminPort;

    @BeforeAll
    void launch() throws Exception {
        Path config = Files.writeString(dir.resolve("sluice.yaml"), """
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0, faults: true }
                access-log: off
                recording: { payloads: 64B }
                upstreams:
                  demo:
                    builtin: echo
                routes:
                  - match: { path: / }
                    upstream: demo
                """);
        sluice = LaunchedSluice.launch(dir, "faults", LaunchedSluice.DIST.resolve("bin/sluice"), "-c", config.toString());
        port = sluice.awaitListeningPort();
        adminPort = sluice.awaitPort(LaunchedSluice.ADMIN);
    }

    @AfterEach
    void removeFaults() throws Exception {
        assertEquals(204, admin("DELETE", "/faults", null).statusCode());
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.process().destroy();
            if (sluice.awaitExit(Duration.ofSeconds(10)) != 0) {
                fail("sluice did not stop cleanly:\n" + sluice.stderr());
            }
        }
    }

    // An http-status fault answers every request 503 without the upstream; DELETE /faults/NAME
    // brings the upstream's 200 back.
    @Test
    void anHttpStatusFaultAnswers503UntilDeleted() throws Exception {
        assertEquals(200, get("/x").statusCode());
        HttpResponse<String> added = admin("POST", "/faults", "{\"name\": \"down\", \"type\": \"http-status\", \"status\": 503}");
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(503, get("/x").statusCode());

        assertEquals(204, admin("DELETE", "/faults/down", null).statusCode());
        assertEquals(200, get("/x").statusCode());
    }

    // A to-client latency fault posted while a WebSocket is open holds each echo at least its
    // latency; once it is deleted, the same socket's echoes come back sooner again.
    @Test
    void aLatencyFaultSlowsTheOpenWebSocketUntilDeleted() throws Exception {
        Echo echo = Echo.open(http, port);
        try {
            assertEquals("warm", echo.roundTrip("warm").text(), "the tunnel works before the fault");
            HttpResponse<String> added = admin("POST", "/faults",
                    "{\"name\": \"slow\", \"type\": \"latency\", \"latency\": \"300ms\", \"direction\": \"to-client\"}");
            assertEquals(201, added.statusCode(), added.body());

            for (int i = 0; i < 3; i++) {
                RoundTrip slow = echo.roundTrip("slow " + i);
                assertEquals("slow " + i, slow.text());
                assertTrue(slow.took().compareTo(LATENCY) >= 0, "with the fault: " + slow.took());
            }

            assertEquals(204, admin("DELETE", "/faults/slow", null).statusCode());
            boolean fasterThanTheFault = false;
            for (int i = 0; i < 5 && !fasterThanTheFault; i++) {
                RoundTrip after = echo.roundTrip("after " + i);
                assertEquals("after " + i, after.text());
                fasterThanTheFault = after.took().compareTo(LATENCY) < 0;
            }
            assertTrue(fasterThanTheFault, "no round trip of 5 was under the deleted fault's latency");
        } finally {
            echo.socket.abort();
        }
    }

    // A to-client drop-messages fault of count 1: of "a" and "b" sent, only the echo of "b"
    // arrives, and the fault shows it acted once and has none left.
    @Test
    void aDropMessagesFaultLosesTheNextEchoOnly() throws Exception {
        Echo echo = Echo.open(http, port);
        try {
            assertEquals("warm", echo.roundTrip("warm").text());
            HttpResponse<String> added = admin("POST", "/faults",
                    "{\"name\": \"lose-one\", \"type\": \"drop-messages\", \"count\": 1, \"direction\": \"to-client\"}");
            assertEquals(201, added.statusCode(), added.body());

            echo.send("a");
            echo.send("b");
            assertEquals("b", echo.next(), "the echo of 'a' was dropped, the one of 'b' passed");
            String shown = admin("GET", "/faults/lose-one", null).body();
            assertTrue(shown.contains("\"acted\":1") && shown.contains("\"remaining\":0"), shown);
            assertEquals("c", echo.roundTrip("c").text(), "the count is used up: messages pass again");
        } finally {
            echo.socket.abort();
        }
        // The recording shows what each side sent: the upstream's echo of "a" too (it was
        // dropped after the proxy read it), as a HAR file a browser's developer tools open.
        HttpResponse<String> har = admin("GET", "/recording", null);
        assertEquals(200, har.statusCode());
        assertTrue(har.body().contains("\"_webSocketMessages\"") && har.body().contains("{\"type\":\"receive\""), har.body());
        assertTrue(har.body().contains("\"data\":\"a\""), "payloads are kept, up to 64 bytes: " + har.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Content-Type", "application/json").method(method, publisher)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record RoundTrip(String text, Duration took) {
    }

    /** A JDK WebSocket client on the built-in echo, collecting whole text messages. */
    private record Echo(WebSocket socket, BlockingQueue<String> received) {
        static Echo open(HttpClient http, int port) throws Exception {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new TextCollector(received))
                    .get(10, TimeUnit.SECONDS);
            return new Echo(socket, received);
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        String next() throws InterruptedException {
            String text = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(text, "no echo within 10 s");
            return text;
        }

        /** Sends and takes the next message, timed from just before the send to its arrival. */
        RoundTrip roundTrip(String text) throws Exception {
            long start = System.nanoTime();
            send(text);
            String echoed = next();
            return new RoundTrip(echoed, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
