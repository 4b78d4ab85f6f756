package dev.sluice.tunnel;

import dev.sluice.config.Plural;
import dev.sluice.http.Answer;
import dev.sluice.runtime.Route;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The counts the tunnel limits are checked against. A handshake takes a {@link TunnelSlot} when
 * it is admitted, long before the upstream answers; the slot counts against every limit from
 * then on, so concurrent handshakes cannot overshoot one. Thread-safe.
 */
final class TunnelAdmission {
    private final AtomicInteger slots = new AtomicInteger();
    private final Map<String, Integer> perRoute = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    /**
     * Takes a slot for one more tunnel on the route from the client, or says which limit is
     * reached. Each limit is checked and counted in one atomic step.
     *
     * @param maxPerClient 0 for no per-client limit
     * @return a slot, or a refused one whose {@link TunnelSlot#refusal()} names the limit
     */
    TunnelSlot reserve(Route route, InetAddress client, int maxTotal, int maxPerRoute, int maxPerClient) {
        if (!increment(slots, maxTotal)) {
            return TunnelSlot.refused(Answer.TUNNEL_LIMIT,
                    Plural.of(maxTotal, "tunnel") + " open (limits.max-tunnels)");
        }
        if (!increment(perRoute, route.key(), maxPerRoute)) {
            slots.decrementAndGet();
            return TunnelSlot.refused(Answer.ROUTE_TUNNEL_LIMIT, Plural.of(maxPerRoute, "tunnel") + " open on route "
                    + route.path() + " (websocket.max-tunnels)");
        }
        if (client != null && !increment(perClient, client, maxPerClient > 0 ? maxPerClient : Integer.MAX_VALUE)) {
            decrement(perRoute, route.key());
            slots.decrementAndGet();
            return TunnelSlot.refused(Answer.CLIENT_TUNNEL_LIMIT, Plural.of(maxPerClient, "tunnel") + " open from "
                    + client.getHostAddress() + " (limits.max-tunnels-per-client)");
        }
        return new TunnelSlot(this, route, client);
    }

    void release(Route route, InetAddress client) {
        if (client != null) {
            decrement(perClient, client);
        }
        decrement(perRoute, route.key());
        slots.decrementAndGet();
    }

    int slotsOf(InetAddress client) {
        return perClient.getOrDefault(client, 0);
    }

    int slotsOn(Route route) {
        return perRoute.getOrDefault(route.key(), 0);
    }

    int slots() {
        return slots.get();
    }

    private static boolean increment(AtomicInteger counter, int max) {
        while (true) {
            int n = counter.get();
            if (n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private static <K> boolean increment(Map<K, Integer> counts, K key, int max) {
        boolean[] taken = {false};
        // compute() is atomic per key, and a count that drops to zero leaves the map in the same step.
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
