package dev.sluice.tunnel;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.runtime.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's slot counting: exact under contention, and every slot given back exactly once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelRegistryTest {
    private static final int MAX_TOTAL = 12;
    private static final int MAX_PER_ROUTE = 8;
    private static final int MAX_PER_CLIENT = 3;

    // Eight threads take and give back slots 20,000 times each on two routes from four clients:
    // no limit is ever exceeded at any moment, and every count is back to zero at the end.
    @Test
    void limitsHoldUnderContentionAndCountsReturnToZero() throws Exception {
        TunnelRegistry registry = new TunnelRegistry();
        List<Route> routes = List.of(route("/a/"), route("/b/"));
        List<InetAddress> clients = List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"),
                InetAddress.getByName("10.0.0.3"), InetAddress.getByName("10.0.0.4"));
        AtomicInteger total = new AtomicInteger();
        AtomicInteger[] perRoute = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger[] perClient = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        int r = (i + seed) % 2;
                        int c = (i * 7 + seed) % 4;
                        TunnelSlot slot = registry.reserve(routes.get(r), clients.get(c), MAX_TOTAL, MAX_PER_ROUTE,
                                MAX_PER_CLIENT);
                        if (slot.refusal() != null) {
                            continue;
                        }
                        granted.incrementAndGet();
                        assertTrue(total.incrementAndGet() <= MAX_TOTAL, "over limits.max-tunnels");
                        assertTrue(perRoute[r].incrementAndGet() <= MAX_PER_ROUTE, "over websocket.max-tunnels");
                        assertTrue(perClient[c].incrementAndGet() <= MAX_PER_CLIENT, "over max-tunnels-per-client");
                        perClient[c].decrementAndGet();
                        perRoute[r].decrementAndGet();
                        total.decrementAndGet();
                        slot.release();
                        slot.release(); // a second release must not give back a slot twice
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(granted.get() > 0, "some slots were given");
        assertEquals(0, registry.slots());
        for (Route route : routes) {
            assertEquals(0, registry.slotsOn(route));
        }
        for (InetAddress client : clients) {
            assertEquals(0, registry.slotsOf(client));
        }
    }

    // The refusal names the limit that was reached, and a refused reservation holds nothing.
    @Test
    void refusalNamesTheLimitReached() throws Exception {
        TunnelRegistry registry = new TunnelRegistry();
        Route route = route("/chat/");
        InetAddress client = InetAddress.getByName("192.0.2.7");
        TunnelSlot first = registry.reserve(route, client, 10, 10, 1);
        assertNull(first.refusal());

        TunnelSlot second = registry.reserve(route, client, 10, 10, 1);
        assertNotNull(second.refusal());
        assertTrue(second.refusal().contains("max-tunnels-per-client") && second.refusal().contains("192.0.2.7"),
                second.refusal());
        assertTrue(registry.reserve(route, InetAddress.getByName("192.0.2.8"), 10, 1, 0).refusal()
                .contains("websocket.max-tunnels"));
        assertTrue(registry.reserve(route, null, 1, 10, 0).refusal().contains("limits.max-tunnels"));
        assertEquals(1, registry.slots());
        first.release();
        assertEquals(0, registry.slots());
        assertEquals(0, registry.slotsOf(client));
    }

    private static Route route(String path) {
        return new Route(new RouteConfig(path, null, "up", false, WebSocketConfig.DEFAULTS), null);
    }
}
