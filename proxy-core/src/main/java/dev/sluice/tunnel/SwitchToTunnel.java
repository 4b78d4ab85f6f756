package dev.sluice.tunnel;

import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.http.RequestIds;
import dev.sluice.record.RecordingHandler;
import dev.sluice.runtime.SendTimeoutConduit;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.ws.StageFactory;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

import java.io.IOException;
import dev.sluice.upstream.Server;

import java.net.InetSocketAddress;

/**
 * A valid 101 becomes a tunnel: the 101 goes to the client, and once Undertow has sent it both
 * connections are handed to a {@link Splice}, registered, and recorded.
 *
 * @param stages the stages every tunnel direction runs (scanner, recording, faults)
 */
record SwitchToTunnel(TunnelRegistry registry, LimitsConfig limits, ByteBufferPool buffers,
                      StageFactory stages) {
    private static final Logger log = LoggerFactory.getLogger(TunnelHandler.class);

    void switchOver(HttpServerExchange exchange, ClientExchange answered, String upstream, Server upstreamServer,
                    WebSocketConfig ws, TunnelSlot slot, Legs legs) {
        AnswerRelay.copyHead(exchange, answered.getResponse());
        ClientConnection connection = answered.getConnection();
        InetSocketAddress server = connection.getPeerAddress(InetSocketAddress.class);
        String requestId = RequestIds.of(exchange);
        AccessFields access = registry.logsAccess() ? AccessFields.of(exchange, requestId) : null;
        exchange.upgradeChannel((clientSide, ex) -> {
            StreamConnection upstreamSide;
            try {
                upstreamSide = connection.performUpgrade();
            } catch (IOException e) {
                slot.release();
                IoUtils.safeClose(clientSide, connection);
                log.warn("SLU2003 upstream {} closed right after its 101 (request id {}): {}",
                        upstream, requestId, e.getMessage());
                return;
            }
            if (!slot.isHeld()) {
                IoUtils.safeClose(clientSide, upstreamSide); // the client went away during the switch
                return;
            }
            Tunnel tunnel = registry.register(slot, upstream, ex.getSourceAddress(), server, upstreamServer, requestId,
                    access);
            RecordingHandler.TunnelOpened whenOpened = ex.removeAttachment(RecordingHandler.TUNNEL_OPENED);
            if (whenOpened != null) {
                whenOpened.opened(tunnel.id(), tunnel.server());
            }
            Splice splice = new Splice(tunnel, registry, clientSide, upstreamSide, buffers, ws.idleTimeout(),
                    ws.halfCloseTimeout(), stages);
            legs.splice = splice;
            // As nginx does for upgraded connections: a client that takes no bytes is given up.
            clientSide.getSinkChannel().setConduit(new SendTimeoutConduit(clientSide.getSinkChannel().getConduit(),
                    limits.sendTimeout(), () -> splice.closeNow(SendTimeoutConduit.reason(limits.sendTimeout()))));
            splice.start();
            forgetHandshake(ex, answered, legs.upstream);
        });
        exchange.endExchange();
    }

    /**
     * Drops the handshake once the tunnel runs. Undertow's server connection keeps its last
     * exchange, and the client connection its last request and response, for as long as the
     * socket lives: with the headers that was about a third of an idle tunnel's heap, and
     * Sluice's wrappers on the upstream connection held the exchange itself.
     */
    private static void forgetHandshake(HttpServerExchange ex, ClientExchange upstreamExchange,
                                        ClientConnection upstream) {
        ex.getRequestHeaders().clear();
        ex.getResponseHeaders().clear();
        upstreamExchange.getRequest().getRequestHeaders().clear();
        upstreamExchange.getResponse().getResponseHeaders().clear();
        UpstreamClient.tunnelled(ex, upstream);
    }
}
