package dev.sluice.builtin;

import dev.sluice.Sluice;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.websockets.client.WebSocketClient;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in echo upstream behind a real proxy, driven by Undertow's own WebSocket client
 * (the third client family, beside the JDK's and Tomcat's): what the default configuration
 * shows a first-time user.
 */
class EchoThroughProxyIT {
    private static XnioWorker clientWorker;

    @BeforeAll
    static void startClientWorker() throws IOException {
        clientWorker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    }

    @AfterAll
    static void stopClientWorker() {
        clientWorker.shutdownNow();
    }

    // Text and a 256 KiB binary message come back byte-exact through the tunnel, and the
    // client's close (1000) is answered; the tunnel is gone afterwards.
    @Test
    void undertowClientGetsItsMessagesEchoedThroughTheProxy() throws Exception {
        try (EchoUpstream echo = EchoUpstream.start();
             Sluice proxy = Sluice.builder().route("/", echo.uri()).start()) {
            BlockingQueue<Object> received = new LinkedBlockingQueue<>();
            WebSocketChannel channel = WebSocketClient.connectionBuilder(clientWorker,
                    new DefaultByteBufferPool(false, 8192), proxy.uri("ws", "/echo")).connect().get();
            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                    received.add(message.getData());
                }

                @Override
                protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                    try (var data = message.getData()) {
                        ByteBuffer merged = WebSockets.mergeBuffers(data.getResource());
                        byte[] bytes = new byte[merged.remaining()];
                        merged.get(bytes);
                        received.add(bytes);
                    }
                }

                @Override
                protected void onCloseMessage(CloseMessage message, WebSocketChannel ch) {
                    received.add(message);
                }
            });
            channel.resumeReceives();
            await("the proxy counts the open tunnel").atMost(Duration.ofSeconds(5))
                    .until(() -> proxy.tunnels().open() == 1);

            WebSockets.sendText("hello through sluice", channel, null);
            assertEquals("hello through sluice", received.poll(5, TimeUnit.SECONDS));

            byte[] payload = new byte[256 * 1024];
            new Random(7).nextBytes(payload);
            // Undertow masks the frame in place, so send a copy and keep the original to compare.
            WebSockets.sendBinary(ByteBuffer.wrap(payload.clone()), channel, null);
            Object echoed = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(echoed, "binary echo");
            assertArrayEquals(payload, (byte[]) echoed);

            WebSockets.sendClose(1000, "done", channel, null);
            Object close = received.poll(5, TimeUnit.SECONDS);
            assertTrue(close instanceof CloseMessage, "close answered: " + close);
            assertEquals(1000, ((CloseMessage) close).getCode());
            channel.close();
            await("the tunnel ends").atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 0);
            assertEquals(1, proxy.tunnels().total());
        }
    }

    // curl's view: the echo describes the request as it arrived, with Sluice's forwarding headers.
    @Test
    void plainRequestIsDescribedWithForwardingHeaders() throws Exception {
        try (EchoUpstream echo = EchoUpstream.start();
             Sluice proxy = Sluice.builder().route("/", echo.uri()).start()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(proxy.uri("http", "/hello?x=1")).build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, response.statusCode());
            String body = response.body();
            assertTrue(body.startsWith("GET /hello?x=1 HTTP/1.1"), body);
            assertTrue(body.contains("X-Forwarded-For: 127.0.0.1"), body);
            assertTrue(body.contains("X-Forwarded-Port: " + proxy.port()), body);
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(body.contains("X-Request-Id: " + id), body);
        }
    }

    // The demo page is served for a browser's Accept header; it opens its WebSocket to where it came from.
    @Test
    void browserGetsTheDemoPage() throws Exception {
        try (EchoUpstream echo = EchoUpstream.start();
             Sluice proxy = Sluice.builder().route("/", echo.uri()).start()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(URI.create(proxy.uri("http", "/").toString()))
                                    .header("Accept", "text/html,application/xhtml+xml").build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(response.body().contains("new WebSocket(url)"), "the page opens a WebSocket");
        }
    }
}
