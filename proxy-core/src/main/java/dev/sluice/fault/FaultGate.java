package dev.sluice.fault;

import dev.sluice.config.FaultType;
import dev.sluice.handler.ErrorResponses;
import dev.sluice.runtime.Route;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;

import java.io.IOException;

/**
 * The faults that act on a request, routed, before it is forwarded or becomes a tunnel:
 * {@code refuse} resets the client's connection without an answer, and so does {@code reset}
 * for plain HTTP (a handshake goes through, and the tunnel is reset once open); {@code
 * http-status} answers with its status. Each rolls its probability per request.
 */
final class FaultGate implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(FaultGate.class);

    private final Faults faults;
    private final HttpHandler next;
    private final boolean handshakes;

    FaultGate(Faults faults, HttpHandler next, boolean handshakes) {
        this.faults = faults;
        this.next = next;
        this.handshakes = handshakes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        var active = faults.list();
        if (!active.isEmpty()) {
            String route = exchange.getAttachment(Route.KEY).path();
            for (ActiveFault fault : active) {
                FaultType type = fault.type();
                boolean actsOnRequests = type == FaultType.REFUSE || type == FaultType.HTTP_STATUS
                        || type == FaultType.RESET && !handshakes;
                if (!actsOnRequests || !fault.covers(route) || !fault.strikes()) {
                    continue;
                }
                if (type == FaultType.HTTP_STATUS) {
                    ErrorResponses.send(exchange, fault.config().status(), "answered by fault " + fault.name());
                } else {
                    reset(exchange, fault);
                }
                return;
            }
        }
        next.handleRequest(exchange);
    }

    private static void reset(HttpServerExchange exchange, ActiveFault fault) {
        log.info("SLU3003 {} {} -> connection reset by fault {}", exchange.getRequestMethod(),
                exchange.getRequestURI(), fault.name());
        try {
            exchange.getConnection().setOption(Options.CLOSE_ABORT, true);
        } catch (IOException | IllegalArgumentException e) {
            // not a TCP socket: a plain close is the best we can do
        }
        IoUtils.safeClose(exchange.getConnection());
    }
}
