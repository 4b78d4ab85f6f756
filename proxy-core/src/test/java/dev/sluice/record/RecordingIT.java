package dev.sluice.record;

import dev.sluice.Sluice;
import dev.sluice.config.RecordingConfig;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import dev.sluice.ws.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a builder proxy records of real traffic: HTTP exchanges and the messages of its tunnels. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordingIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    // Three requests: one the upstream answers (200), one no route takes (Sluice's 404) and one to
    // a dead upstream (Sluice's 502). Each is recorded as the client sent it, with its status,
    // route and upstream, and the server address only where a server answered.
    @Test
    void httpExchangesNameTheServerThatAnswered() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text("hello"));
             Sluice proxy = Sluice.builder()
                     .route("/api/", backend.uri())
                     .route("/dead/", DeadServer.uri())
                     .start()) {
            assertEquals(200, get(proxy, "/api/items?x=1&y=a%20b"));
            assertEquals(404, get(proxy, "/nowhere"));
            assertEquals(502, get(proxy, "/dead/x"));
            await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 3);
            List<HttpExchange> exchanges = proxy.recording().exchanges();

            HttpExchange ok = exchanges.get(0);
            assertEquals("GET", ok.method());
            assertEquals("/api/items", ok.path());
            assertEquals("x=1&y=a%20b", ok.query());
            assertEquals("HTTP/1.1", ok.protocol());
            assertEquals("127.0.0.1:" + proxy.port(), ok.host());
            assertEquals(200, ok.status());
            assertEquals("/api/", ok.route());
            assertEquals("127.0.0.1:" + backend.port(), ok.server());
            assertEquals(5, ok.responseBytes());
            assertTrue(ok.responseHeader("content-type").startsWith("text/plain"), ok.responseHeaders().toString());
            assertNotNull(ok.requestHeader("x-request-id"));
            assertEquals(ok.requestHeader("X-Request-Id"), ok.responseHeader("X-Request-Id"));
            assertFalse(ok.isTunnel());

            HttpExchange notFound = exchanges.get(1);
            assertEquals("/nowhere", notFound.path());
            assertEquals(404, notFound.status());
            assertNull(notFound.route());
            assertNull(notFound.upstream());
            assertNull(notFound.server(), "Sluice answered itself");

            HttpExchange badGateway = exchanges.get(2);
            assertEquals(502, badGateway.status());
            assertEquals("/dead/", badGateway.route());
            assertNotNull(badGateway.upstream());
            assertNull(badGateway.server(), "no server answered");
        }
    }

    // A request carrying a cookie and credentials for the server and for a proxy, answered with two
    // Set-Cookie: the upstream and the client get every value as sent, the recording (its
    // exchanges and its HAR) keeps "[redacted]" in their place and every other header as is.
    // A proxy built with recordSecrets(true) records them as sent.
    @Test
    void credentialsAreRedactedInTheRecordingUnlessKept() throws Exception {
        HttpBackendResponder setsCookies = (request, reply) -> reply.header("Set-Cookie", "session=s3cret; HttpOnly")
                .header("Set-Cookie", "theme=dark").header("X-Seen", "yes").send("ok");
        try (HttpBackend backend = HttpBackend.start(setsCookies);
             Sluice redacting = Sluice.builder().route("/", backend.uri()).start();
             Sluice keeping = Sluice.builder().route("/", backend.uri()).recordSecrets(true).start()) {
            for (Sluice proxy : List.of(redacting, keeping)) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    client.write(RawHttp.request("GET", "/login", "Host: app", "Cookie: id=c00kie",
                            "Authorization: Bearer t0ken", "proxy-authorization: Basic cHJveHk=", "X-Plain: shown"));
                    RawHttp.Response response = client.readResponse();
                    assertEquals(List.of("session=s3cret; HttpOnly", "theme=dark"), response.headers("Set-Cookie"));
                }
                HttpBackendRequest upstream = backend.takeRequest();
                assertEquals("id=c00kie", upstream.header("Cookie"));
                assertEquals("Bearer t0ken", upstream.header("Authorization"));
                await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 1);
            }

            HttpExchange redacted = redacting.recording().exchanges().get(0);
            assertEquals("[redacted]", redacted.requestHeader("Cookie"));
            assertEquals("[redacted]", redacted.requestHeader("Authorization"));
            assertEquals("[redacted]", redacted.requestHeader("Proxy-Authorization"));
            assertEquals("shown", redacted.requestHeader("X-Plain"));
            assertEquals(List.of("[redacted]", "[redacted]"), setCookies(redacted));
            assertEquals("yes", redacted.responseHeader("X-Seen"));
            String har = redacting.recording().har();
            for (String secret : List.of("c00kie", "t0ken", "cHJveHk=", "s3cret", "dark")) {
                assertFalse(har.contains(secret), secret + " in " + har);
            }
            assertTrue(har.contains("{\"name\":\"Set-Cookie\",\"value\":\"[redacted]\"}"), har);

            HttpExchange kept = keeping.recording().exchanges().get(0);
            assertEquals("id=c00kie", kept.requestHeader("Cookie"));
            assertEquals("Bearer t0ken", kept.requestHeader("Authorization"));
            assertEquals("Basic cHJveHk=", kept.requestHeader("Proxy-Authorization"));
            assertEquals(List.of("session=s3cret; HttpOnly", "theme=dark"), setCookies(kept));
            assertTrue(keeping.recording().har().contains("Bearer t0ken"));
        }
    }

    // A tunnel that stays open and keeps talking past the budget: the recording holds no more
    // than its budget, the tunnel's oldest messages are forgotten (its own list too) and its
    // newest kept, and so is the handshake's exchange once the messages after it need the room.
    @Test
    void anOpenTunnelsMessagesStayWithinTheBudget() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).recordPayloads(1024)
                     .recordingBudget(RecordingConfig.MIN_BUDGET).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
                await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 1);
                int sent = 200; // about 220KB recorded: more than three budgets
                for (int i = 0; i < sent; i++) {
                    client.write(WsWire.clientText(String.format("%04d", i) + "x".repeat(1020)));
                    upstream.readFrame();
                }
                await().atMost(WAIT).until(() -> tunnel.messagesToUpstream() == sent);
                await().atMost(WAIT).until(() -> tunnel.messages().size() > 0
                        && tunnel.messages().get(tunnel.messages().size() - 1).text().startsWith(String.format("%04d", sent - 1)));
                assertTrue(tunnel.isOpen());
                assertTrue(proxy.recording().bytes() <= RecordingConfig.MIN_BUDGET, "" + proxy.recording().bytes());
                List<WsMessage> kept = tunnel.messages();
                assertTrue(kept.size() < sent / 2, kept.size() + " kept");
                assertTrue(kept.get(0).text().startsWith(String.format("%04d", sent - kept.size())), kept.get(0).text());
                assertEquals(kept, proxy.recording().messages(tunnel.id()));
                assertEquals(List.of(), proxy.recording().exchanges(), "the handshake was recorded before them all");
            }
        }
    }

    // A tunnel carrying exact frames: the client sends a text, then a binary message in two
    // fragments with a ping between them; the upstream answers a text and a pong. The tunnel's
    // messages are those five (the ping before the message it interrupted, the fragments as one
    // message of 7 bytes), without payloads by default; the handshake's exchange links the tunnel.
    @Test
    void tunnelMessagesAreRecordedWithDirectionOpcodeAndLength() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/chat?room=1");
            assertEquals(101, answer.status());
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                client.write(WsWire.clientText("hello"));
                client.write(concat(WsWire.clientFragment(false, WsWire.BINARY, new byte[]{1, 2, 3}),
                        WsWire.clientFrame(WsWire.PING, new byte[]{'p'}),
                        WsWire.clientFragment(true, WsWire.CONTINUATION, new byte[]{4, 5, 6, 7})));
                for (int i = 0; i < 4; i++) {
                    upstream.readFrame();
                }
                upstream.write(concat(WsWire.serverText("hi there"), WsWire.serverFrame(WsWire.PONG, new byte[]{'p'})));
                client.readFrame();
                client.readFrame();

                Tunnel tunnel = proxy.tunnels().list().get(0);
                await().atMost(WAIT).until(() -> tunnel.messages().size() == 5);
                List<WsMessage> messages = tunnel.messages();
                assertMessage(messages.get(0), Direction.TO_UPSTREAM, WsMessage.TEXT, 5);
                assertMessage(messages.get(1), Direction.TO_UPSTREAM, WsMessage.PING, 1);
                assertMessage(messages.get(2), Direction.TO_UPSTREAM, WsMessage.BINARY, 7);
                assertMessage(messages.get(3), Direction.TO_CLIENT, WsMessage.TEXT, 8);
                assertMessage(messages.get(4), Direction.TO_CLIENT, WsMessage.PONG, 1);
                messages.forEach(m -> assertNull(m.payload(), "payloads are not recorded unless asked: " + m));
                assertEquals(messages, proxy.recording().messages(tunnel.id()));

                await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 1
                        && proxy.recording().exchanges().get(0).isTunnel());
                HttpExchange handshake = proxy.recording().exchanges().get(0);
                assertEquals(101, handshake.status());
                assertEquals("/chat", handshake.path());
                assertEquals("room=1", handshake.query());
                assertEquals(tunnel.id(), handshake.tunnelId());
                assertEquals("127.0.0.1:" + backend.port(), handshake.server());
            }
        }
    }

    // With recordPayloads(4) each message keeps its first 4 bytes, unmasked, and its whole
    // length: "hello world" keeps "hell" (11), the two fragments 1,2,3 + 4,5 keep 1,2,3,4 (5).
    @Test
    void payloadsAreRecordedCutWhenAsked() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).recordPayloads(4).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                client.write(WsWire.clientText("hello world"));
                client.write(concat(WsWire.clientFragment(false, WsWire.BINARY, new byte[]{1, 2, 3}),
                        WsWire.clientFragment(true, WsWire.CONTINUATION, new byte[]{4, 5})));
                upstream.write(WsWire.serverText("ok"));
                client.readFrame();

                Tunnel tunnel = proxy.tunnels().list().get(0);
                await().atMost(WAIT).until(() -> tunnel.messages().size() == 3);
                List<WsMessage> up = tunnel.messages().stream().filter(m -> m.direction() == Direction.TO_UPSTREAM).toList();
                assertEquals("hell", up.get(0).text());
                assertEquals(11, up.get(0).length());
                assertTrue(up.get(0).isCut());
                assertArrayEquals(new byte[]{1, 2, 3, 4}, up.get(1).payload());
                assertEquals(5, up.get(1).length());
                WsMessage down = tunnel.messages().stream().filter(m -> m.direction() == Direction.TO_CLIENT)
                        .findFirst().orElseThrow();
                assertEquals("ok", down.text());
                assertFalse(down.isCut());
            }
        }
    }

    // clear() forgets what was recorded, exchanges and messages, and recording goes on.
    @Test
    void clearForgetsAndRecordingGoesOn() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                client.write(WsWire.clientText("before"));
                upstream.readFrame();
                Tunnel tunnel = proxy.tunnels().list().get(0);
                await().atMost(WAIT).until(() -> tunnel.messages().size() == 1
                        && proxy.recording().exchanges().size() == 1);

                proxy.recording().clear();
                assertEquals(List.of(), proxy.recording().exchanges());
                assertEquals(List.of(), tunnel.messages());

                client.write(WsWire.clientText("after!"));
                upstream.readFrame();
                await().atMost(WAIT).until(() -> tunnel.messages().size() == 1);
                assertEquals(6, tunnel.messages().get(0).length());
                try (RawPeer second = WsWire.open(proxy.port(), "/second").peer(); RawPeer ignored = backend.takePeer()) {
                    await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 1);
                    assertEquals("/second", proxy.recording().exchanges().get(0).path());
                }
            }
        }
    }

    // recording(false), and a proxy started from a configuration without recording (as a file
    // without the section is): the recording is there but its lists stay empty through HTTP and
    // tunnel traffic.
    @Test
    void recordingOffRecordsNothing() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).recording(false).start();
             Sluice fromConfig = Sluice.start(Sluice.builder().route("/", backend.uri()).config().withRecording(null))) {
            assertFalse(proxy.recording().isOn());
            assertFalse(fromConfig.recording().isOn());
            for (Sluice sluice : List.of(proxy, fromConfig)) {
                WsWire.Answer answer = WsWire.open(sluice.port(), "/ws");
                try (RawPeer client = answer.peer(); RawPeer upstream = backend.takePeer()) {
                    client.write(WsWire.clientText("unrecorded"));
                    assertEquals("unrecorded", upstream.readFrame().text());
                    Tunnel tunnel = sluice.tunnels().list().get(0);
                    assertEquals(1, tunnel.messagesToUpstream(), "frames are still counted");
                    assertEquals(List.of(), tunnel.messages());
                    assertEquals(List.of(), sluice.recording().messages(tunnel.id()));
                    assertEquals(List.of(), sluice.recording().exchanges());
                }
            }
        }
    }

    private static List<String> setCookies(HttpExchange exchange) {
        return exchange.responseHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(h -> h.getValue().stream()).toList();
    }

    private static int get(Sluice proxy, String target) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + target)).build();
        return HttpClients.HTTP_1_1.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void assertMessage(WsMessage message, Direction direction, int opcode, long length) {
        assertEquals(direction, message.direction(), message.toString());
        assertEquals(opcode, message.opcode(), message.toString());
        assertEquals(length, message.length(), message.toString());
        assertNotNull(message.time());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
