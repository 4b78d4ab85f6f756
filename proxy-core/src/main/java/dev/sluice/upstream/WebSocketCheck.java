package dev.sluice.upstream;

import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A WebSocket opening handshake: healthy only on a 101 that a real WebSocket server would send
 * (Upgrade: websocket and the Sec-WebSocket-Accept that matches this check's key). The session
 * it opened is then ended as a client should, with a masked Close 1000, so the server sees a
 * normal goodbye rather than a dropped connection.
 */
final class WebSocketCheck implements CheckExchange {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketCheck.class);
    private static final int NORMAL_CLOSURE = 1000;

    private final String path;
    private final String key;

    WebSocketCheck(String path, String key) {
        this.path = path;
        this.key = key;
    }

    @Override
    public ClientRequest request(String hostHeader) {
        ClientRequest request = new ClientRequest().setMethod(Methods.GET).setPath(path);
        request.getRequestHeaders()
                .put(Headers.HOST, hostHeader)
                .put(Headers.USER_AGENT, USER_AGENT)
                .put(Headers.UPGRADE, "websocket")
                .put(Headers.CONNECTION, "Upgrade")
                .put(Headers.SEC_WEB_SOCKET_VERSION, "13")
                .put(Headers.SEC_WEB_SOCKET_KEY, key);
        return request;
    }

    @Override
    public void answered(ClientExchange exchange, ProbeRun run) {
        String problem = problem(exchange.getResponse());
        if (problem != null) {
            run.finish(CheckResult.unhealthy(problem));
            return;
        }
        CheckResult healthy = CheckResult.healthy("101 Switching Protocols");
        // The handshake decides; the Close that follows is a courtesy and cannot make it unhealthy.
        run.decided(healthy);
        StreamConnection session;
        try {
            session = exchange.getConnection().performUpgrade();
        } catch (IOException e) {
            run.finish(healthy);
            return;
        }
        new CloseWrite(() -> run.finish(healthy)).handleEvent(session.getSinkChannel());
    }

    /** Why the answer is not a valid 101, or null when it is. */
    private String problem(ClientResponse response) {
        int status = response.getResponseCode();
        if (status != StatusCodes.SWITCHING_PROTOCOLS) {
            return "status " + status + " instead of 101";
        }
        if (!"websocket".equalsIgnoreCase(response.getResponseHeaders().getFirst(Headers.UPGRADE))) {
            return "101 without Upgrade: websocket";
        }
        if (!WebSocketKeys.acceptFor(key).equals(response.getResponseHeaders().getFirst(Headers.SEC_WEB_SOCKET_ACCEPT))) {
            return "101 without a valid Sec-WebSocket-Accept";
        }
        return null;
    }

    /** Writes the Close frame, waiting for the socket to take it if it must, then says so once. */
    private static final class CloseWrite implements ChannelListener<ConduitStreamSinkChannel> {
        private final ByteBuffer frame = WebSocketKeys.maskedClose(NORMAL_CLOSURE);
        private final Runnable written;
        private boolean done;

        CloseWrite(Runnable written) {
            this.written = written;
        }

        @Override
        public void handleEvent(ConduitStreamSinkChannel sink) {
            if (done) {
                return;
            }
            try {
                while (frame.hasRemaining()) {
                    if (sink.write(frame) == 0) {
                        waitForRoom(sink);
                        return;
                    }
                }
                if (!sink.flush()) {
                    waitForRoom(sink);
                    return;
                }
            } catch (IOException e) {
                LOG.debug("could not send the Close after a healthy WebSocket handshake: {}", e.toString());
            }
            done = true;
            sink.suspendWrites();
            written.run();
        }

        private void waitForRoom(ConduitStreamSinkChannel sink) {
            sink.getWriteSetter().set(this);
            sink.resumeWrites();
        }
    }
}
