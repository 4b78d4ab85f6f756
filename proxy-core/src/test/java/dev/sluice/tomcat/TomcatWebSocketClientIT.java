package dev.sluice.tomcat;

import dev.sluice.Sluice;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import dev.sluice.tunnel.Tunnel;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JSR-356 endpoint in Tomcat, reached through Sluice by Tomcat's own WebSocket client
 * (WsWebSocketContainer) rather than the JDK's: messages and close frames pass unchanged.
 */
class TomcatWebSocketClientIT {
    private static final int MEBIBYTE = 1024 * 1024;

    private TomcatNode tomcat;
    private Sluice proxy;
    private WebSocketContainer client;

    @BeforeEach
    void start() {
        // WsFilter only runs for a request some servlet maps, so "/" has one.
        tomcat = TomcatNode.named("app").servlet("/", new ClientViewServlet()).webSocket("/ws").start();
        proxy = TomcatProxy.inFrontOf(tomcat);
        client = ContainerProvider.getWebSocketContainer();
        // The client's 8 KiB default would refuse the 1 MiB echo with 1009 (message too big).
        client.setDefaultMaxBinaryMessageBufferSize(TomcatNode.MAX_MESSAGE);
        client.setDefaultMaxTextMessageBufferSize(TomcatNode.MAX_MESSAGE);
    }

    @AfterEach
    void stop() {
        try (TomcatNode t = tomcat; Sluice p = proxy) {
            if (client instanceof WsWebSocketContainer tomcatClient) {
                tomcatClient.destroy();
            }
        }
    }

    // Proves a text and a 1 MiB binary message cross the tunnel both ways intact, with Tomcat's client.
    @Test
    void tomcatClientThroughProxy_textAndOneMebibyteBinaryAreEchoed() throws Exception {
        assertInstanceOf(WsWebSocketContainer.class, client, "Tomcat's own client, from ContainerProvider");
        Recorder recorder = new Recorder();
        Session session = connect(recorder);
        byte[] binary = new byte[MEBIBYTE];
        new Random(42).nextBytes(binary);

        session.getBasicRemote().sendText("hello tomcat");
        session.getBasicRemote().sendBinary(ByteBuffer.wrap(binary));

        assertEquals("hello tomcat", recorder.next());
        Object echoed = recorder.next();
        assertInstanceOf(byte[].class, echoed, "a binary message, got " + echoed);
        assertArrayEquals(binary, (byte[]) echoed);
        session.close();
    }

    // Proves the server's close frame (1000 and its reason) reaches Tomcat's client through the tunnel.
    @Test
    void serverClosesWith1000_tomcatClientSeesTheCodeAndReason() throws Exception {
        Recorder recorder = new Recorder();
        Session session = connect(recorder);

        session.getBasicRemote().sendText(NodeEndpoint.CLOSE_PREFIX + "bye from app");

        CloseReason seen = recorder.closed.get(5, TimeUnit.SECONDS);
        assertEquals(1000, seen.getCloseCode().getCode(), seen.toString());
        assertEquals("bye from app", seen.getReasonPhrase());
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 0);
    }

    // Proves the client's close frame (1000 and its reason) reaches the endpoint, and the tunnel then ends.
    @Test
    void tomcatClientClosesWith1000_endpointSeesTheCodeAndReasonAndTheTunnelEnds() throws Exception {
        Session session = connect(new Recorder());

        session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "client done"));

        CloseReason seen = tomcat.webSocketCloses().poll(5, TimeUnit.SECONDS);
        assertNotNull(seen, "the endpoint's onClose did not run");
        assertEquals(1000, seen.getCloseCode().getCode(), seen.toString());
        assertEquals("client done", seen.getReasonPhrase());
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 0);
    }

    /** Connects through the proxy and takes the endpoint's greeting, which proves the handshake reached it. */
    // permessage-deflate, negotiated by Tomcat's client and endpoint, passes through untouched
    // (compressed frames carry RSV1, which the frame scanner allows) and every message is
    // counted once: five each way plus the endpoint's greeting.
    @Test
    void permessageDeflatePassesThroughAndIsCounted() throws Exception {
        Recorder recorder = new Recorder();
        ClientEndpointConfig deflate = ClientEndpointConfig.Builder.create()
                .extensions(List.of(new Extension() {
                    @Override
                    public String getName() {
                        return "permessage-deflate";
                    }

                    @Override
                    public List<Parameter> getParameters() {
                        return List.of();
                    }
                })).build();
        Session session = client.connectToServer(recorder, deflate, proxy.uri("ws", "/ws"));
        assertEquals("app session=none", recorder.next());
        assertEquals(List.of("permessage-deflate"),
                session.getNegotiatedExtensions().stream().map(Extension::getName).toList());
        String text = "compressible text, ".repeat(1000);
        for (int i = 0; i < 5; i++) {
            session.getBasicRemote().sendText(text + i);
            assertEquals(text + i, recorder.next());
        }

        Tunnel tunnel = proxy.tunnels().list().get(0);
        assertNull(tunnel.framingProblem(), "the scanner kept in step with compressed frames");
        assertEquals(5, tunnel.messagesToUpstream());
        assertEquals(6, tunnel.messagesToClient());
        assertTrue(tunnel.bytesToUpstream() < text.length(), "five messages went through compressed, in "
                + tunnel.bytesToUpstream() + " bytes");
        session.close();
    }

    private Session connect(Recorder recorder) throws Exception {
        Session session = client.connectToServer(recorder, ClientEndpointConfig.Builder.create().build(),
                proxy.uri("ws", "/ws"));
        assertEquals("app session=none", recorder.next());
        return session;
    }

    /** Records whole messages (text as String, binary as byte[]) and the close the client saw. */
    private static final class Recorder extends Endpoint {
        private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, messages::add);
            session.addMessageHandler(ByteBuffer.class, buffer -> {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                messages.add(copy);
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closed.complete(reason);
        }

        @Override
        public void onError(Session session, Throwable error) {
            messages.add(error);
        }

        /** The next message within 5 s; fails the test when none comes. */
        Object next() throws InterruptedException {
            Object message = messages.poll(5, TimeUnit.SECONDS);
            assertNotNull(message, "no message within 5 s");
            return message;
        }
    }
}
