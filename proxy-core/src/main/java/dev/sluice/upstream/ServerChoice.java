package dev.sluice.upstream;

import dev.sluice.config.Balance;

import java.util.List;

/**
 * Picks the server for one request or handshake among an upstream's servers. A sticky route
 * names its server when that one is up. Otherwise the balance chooses among the servers that
 * are up and not backups; then among up backups; and when every server is ejected (none down,
 * draining or disabled), among the ejected ones, as nginx does when every server failed: an
 * upstream never answers 503 only because its one server failed a second ago. Servers a
 * request already tried are skipped.
 *
 * <p>The servers may change while requests are chosen for ({@code resolve-interval}): the set is
 * an array replaced whole, so a choice reads it once and takes no lock it did not take before.
 */
public final class ServerChoice {
    private volatile Server[] servers;
    private final Balance balance;
    private volatile boolean anyRoute;
    /** Smooth weighted round-robin's running weights (nginx), index for index with {@link #servers}; guarded by this. */
    private int[] current;
    private int next;

    public ServerChoice(List<Server> servers, Balance balance) {
        this.balance = balance;
        replace(servers);
    }

    /** From now on chooses among these; a server kept keeps its place in the round-robin. */
    public synchronized void replace(List<Server> next) {
        Server[] before = servers;
        int[] weights = new int[next.size()];
        for (int i = 0; i < weights.length && before != null; i++) {
            for (int j = 0; j < before.length; j++) {
                if (before[j] == next.get(i)) {
                    weights[i] = current[j];
                }
            }
        }
        current = weights;
        anyRoute = next.stream().anyMatch(s -> s.route() != null);
        servers = next.toArray(Server[]::new);
    }

    /** Whether any server has a route, so that looking for a sticky one is worth it. */
    public boolean sticky() {
        return anyRoute;
    }

    /**
     * @param route a sticky session's route, or null
     * @param tried servers this request was sent to already, or null
     * @return the server, or null when none may take it
     */
    public Server choose(String route, List<Server> tried) {
        Server[] servers = this.servers;
        if (route != null) {
            for (Server s : servers) {
                if (route.equals(s.route()) && s.isUp() && !contains(tried, s)) {
                    return s;
                }
            }
        }
        if (servers.length == 0) {
            return null;
        }
        if (servers.length == 1) {
            Server only = servers[0];
            return !only.isOut() && !contains(tried, only) ? only : null;
        }
        for (int tier = 0; tier < 4; tier++) {
            Server chosen = balance == Balance.LEAST_CONNECTIONS ? leastLoaded(servers, tier, tried) : roundRobin(tier, tried);
            if (chosen != null) {
                return chosen;
            }
        }
        return null;
    }

    /** Tier 0: up servers; 1: up backups; 2: ejected servers; 3: ejected backups. */
    private static boolean eligible(Server s, int tier, List<Server> tried) {
        if (s.backup() != (tier % 2 == 1) || contains(tried, s)) {
            return false;
        }
        return tier < 2 ? s.isUp() : !s.isOut();
    }

    private static boolean contains(List<Server> tried, Server s) {
        return tried != null && tried.contains(s);
    }

    private synchronized Server roundRobin(int tier, List<Server> tried) {
        Server[] servers = this.servers; // the one current matches, since replace() holds this lock too
        int total = 0;
        int best = -1;
        for (int i = 0; i < servers.length; i++) {
            Server s = servers[i];
            if (!eligible(s, tier, tried)) {
                continue;
            }
            current[i] += s.weight();
            total += s.weight();
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        current[best] -= total;
        return servers[best];
    }

    /** Fewest open requests and tunnels per weight; ties go round in turn, so equal servers share. */
    private Server leastLoaded(Server[] servers, int tier, List<Server> tried) {
        int start;
        synchronized (this) {
            start = next % servers.length;
            next = (start + 1) % servers.length;
        }
        Server best = null;
        for (int k = 0; k < servers.length; k++) {
            Server s = servers[(start + k) % servers.length];
            if (eligible(s, tier, tried) && (best == null
                    || (long) s.load() * best.weight() < (long) best.load() * s.weight())) {
                best = s;
            }
        }
        return best;
    }
}
