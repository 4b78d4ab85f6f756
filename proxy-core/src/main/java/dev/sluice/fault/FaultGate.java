package dev.sluice.fault;

import dev.sluice.config.FaultType;
import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.FaultedAnswer;
import dev.sluice.runtime.IoThreads;
import dev.sluice.runtime.Route;
import io.undertow.server.HttpHandler;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;

import java.io.IOException;
import java.util.List;

/**
 * The faults that act on a request, routed, before it is forwarded or becomes a tunnel:
 * {@code refuse} resets the client's connection without an answer, and so does {@code reset}
 * for plain HTTP (a handshake goes through, and the tunnel is reset once open); {@code
 * http-status} answers with its status; {@code latency} holds a plain HTTP request back before it
 * is forwarded (once, whatever its direction; a tunnel's latency acts on its bytes instead), and
 * the response's body meets the byte faults to the client ({@link ResponseFaults}).
 * Each rolls its probability per request.
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
        List<ActiveFault> active = faults.list();
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
                    ErrorResponses.send(exchange, Answer.FAULT, fault.config().status(),
                            "answered by fault " + fault.name());
                } else {
                    reset(exchange, fault);
                }
                return;
            }
            if (!handshakes) {
                ResponseFaults.attach(exchange, active, route);
            }
            long delay = handshakes ? 0 : latencyNanos(active, route);
            if (delay > 0) {
                exchange.dispatch(SameThreadExecutor.INSTANCE, () -> IoThreads.executeAfter(exchange.getIoThread(),
                        () -> Connectors.executeRootHandler(next, exchange), delay));
                return;
            }
        }
        next.handleRequest(exchange);
    }

    private static long latencyNanos(List<ActiveFault> active, String route) {
        long delay = 0;
        for (ActiveFault fault : active) {
            if (fault.type() == FaultType.LATENCY && fault.covers(route) && fault.strikes()) {
                delay += fault.latencyNanos();
            }
        }
        return delay;
    }

    private static void reset(HttpServerExchange exchange, ActiveFault fault) {
        FaultedAnswer.unanswered(exchange, fault.name(),
                fault.type() == FaultType.REFUSE ? "connection refused (reset unanswered)" : "connection reset");
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
