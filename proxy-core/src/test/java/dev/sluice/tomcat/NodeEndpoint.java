package dev.sluice.tomcat;

import jakarta.servlet.http.HttpSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;

/**
 * A JSR-356 endpoint that says where it runs: on open it sends {@code "NODE session=ID"}, ID
 * being the HttpSession the handshake's cookie named (or {@code none}). Then it echoes text and
 * binary, and a text {@code "close:REASON"} makes it close with 1000 and that reason.
 */
public final class NodeEndpoint extends Endpoint {
    static final String CLOSE_PREFIX = "close:";
    private static final String HTTP_SESSION_ID = "http-session-id";

    private final String node;
    private final Queue<CloseReason> closes;

    NodeEndpoint(String node, Queue<CloseReason> closes) {
        this.node = node;
        this.closes = closes;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(TomcatNode.MAX_MESSAGE);
        session.setMaxBinaryMessageBufferSize(TomcatNode.MAX_MESSAGE);
        session.addMessageHandler(String.class, text -> {
            if (text.startsWith(CLOSE_PREFIX)) {
                close(session, new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, text.substring(CLOSE_PREFIX.length())));
            } else {
                send(session, () -> session.getBasicRemote().sendText(text));
            }
        });
        session.addMessageHandler(ByteBuffer.class, bytes -> send(session, () -> session.getBasicRemote().sendBinary(bytes)));
        Object httpSession = config.getUserProperties().getOrDefault(HTTP_SESSION_ID, "none");
        send(session, () -> session.getBasicRemote().sendText(node + " session=" + httpSession));
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        closes.add(reason);
    }

    private interface Io {
        void run() throws IOException;
    }

    /** The basic remote blocks a container thread, never an I/O loop, and keeps order. */
    private static void send(Session session, Io io) {
        try {
            io.run();
        } catch (IOException e) {
            close(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send failed"));
        }
    }

    private static void close(Session session, CloseReason reason) {
        try {
            session.close(reason);
        } catch (IOException ignored) {
            // the session is gone already
        }
    }

    /** Makes one endpoint per connection for this node and hands it the handshake's HttpSession id. */
    static final class Configurator extends ServerEndpointConfig.Configurator {
        private final String node;
        private final Queue<CloseReason> closes;

        Configurator(String node, Queue<CloseReason> closes) {
            this.node = node;
            this.closes = closes;
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            // getHttpSession() never creates one: it is there only if the cookie named a live session.
            if (request.getHttpSession() instanceof HttpSession session) {
                config.getUserProperties().put(HTTP_SESSION_ID, session.getId());
            }
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new NodeEndpoint(node, closes));
        }
    }
}
