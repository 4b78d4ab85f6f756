package dev.sluice.tunnel;

import dev.sluice.http.HopByHopHeaders;
import dev.sluice.runtime.Route;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.util.Transfer;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;

/** The upstream's answer to a handshake, as the client gets it: its head, and for any answer but a 101 its body. */
final class AnswerRelay {
    private AnswerRelay() {
    }

    /**
     * A refusal (403, 426, ...) or any other answer goes back as plain HTTP, streamed, and
     * the upstream connection is closed afterwards: it may still think it is upgrading.
     */
    static void relay(HttpServerExchange exchange, ClientExchange answered, Legs legs) {
        ClientConnection connection = answered.getConnection();
        boolean keepUpgrade = answered.getResponse().getResponseCode() == StatusCodes.UPGRADE_REQUIRED;
        copyHead(exchange, answered.getResponse());
        if (!keepUpgrade) {
            exchange.getResponseHeaders().remove(Headers.UPGRADE);
        }
        exchange.addExchangeCompleteListener((ex, next) -> {
            IoUtils.safeClose(connection);
            legs.upstream = null;
            next.proceed();
        });
        ChannelExceptionHandler<java.nio.channels.Channel> abort = (channel, e) -> {
            IoUtils.safeClose(connection);
            IoUtils.safeClose(exchange.getConnection());
        };
        Transfer.initiateTransfer(answered.getResponseChannel(), exchange.getResponseChannel(),
                ChannelListeners.closingChannelListener(), finishResponse(exchange), abort, abort,
                exchange.getConnection().getByteBufferPool());
    }

    /**
     * The answer's status and headers, without hop-by-hop ones but Upgrade, the route's stripped
     * prefix put back (a handshake may be redirected to a login page); headers Sluice set stay.
     */
    static void copyHead(HttpServerExchange exchange, ClientResponse response) {
        exchange.setStatusCode(response.getResponseCode());
        exchange.setReasonPhrase(response.getStatus());
        HeaderMap out = exchange.getResponseHeaders();
        for (HeaderValues values : response.getResponseHeaders()) {
            if (!out.contains(values.getHeaderName())) {
                out.putAll(values.getHeaderName(), values);
            }
        }
        String upgrade = out.getFirst(Headers.UPGRADE);
        HopByHopHeaders.removeFrom(out);
        if (upgrade != null) {
            out.put(Headers.UPGRADE, upgrade);
        }
        Route route = exchange.getAttachment(Route.KEY);
        if (route != null && route.prefixRestore() != null) {
            route.prefixRestore().apply(exchange);
        }
    }

    private static ChannelListener<StreamSinkChannel> finishResponse(HttpServerExchange exchange) {
        return sink -> {
            try {
                sink.shutdownWrites();
                if (!sink.flush()) {
                    sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                            s -> s.getWriteSetter().set(null), ChannelListeners.closingChannelExceptionHandler()));
                    sink.resumeWrites();
                }
            } catch (IOException e) {
                IoUtils.safeClose(exchange.getConnection());
            }
        };
    }
}
