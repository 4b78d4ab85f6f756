package dev.sluice.handler;

import dev.sluice.http.FaultedAnswer;
import dev.sluice.observe.Metrics;
import dev.sluice.runtime.Route;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** Counts every exchange by route, method and status class, and times it, when it completes. */
public final class MetricsHandler implements HttpHandler {
    private final Metrics metrics;
    private final HttpHandler next;

    public MetricsHandler(Metrics metrics, HttpHandler next) {
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                Route route = ex.getAttachment(Route.KEY);
                metrics.request(route == null ? Metrics.NO_ROUTE : route.key(), ex.getRequestMethod().toString(),
                        FaultedAnswer.status(ex), System.nanoTime() - start);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }
}
