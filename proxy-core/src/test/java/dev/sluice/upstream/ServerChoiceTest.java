package dev.sluice.upstream;

import dev.sluice.config.Balance;
import dev.sluice.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which server a request gets: sticky route, balance, backups, and the servers that are out. */
class ServerChoiceTest {
    private static Server server(int port, String route, int weight, boolean backup) {
        return new Server("app", new ServerConfig(URI.create("http://127.0.0.1:" + port), route, weight, backup, false),
                Clock.systemUTC());
    }

    private static Map<Server, Integer> picks(ServerChoice choice, int n) {
        Map<Server, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(choice.choose(null, null), 1, Integer::sum);
        }
        return counts;
    }

    // Weights 3 and 1: three picks in four for the first, and never twice the light one in a row.
    @Test
    void roundRobinFollowsTheWeightsSmoothly() {
        Server heavy = server(1, "a", 3, false);
        Server light = server(2, "b", 1, false);
        ServerChoice choice = new ServerChoice(List.of(heavy, light), Balance.ROUND_ROBIN);
        List<Server> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            order.add(choice.choose(null, null));
        }
        assertEquals(6, order.stream().filter(s -> s == heavy).count());
        for (int i = 1; i < order.size(); i++) {
            assertEquals(false, order.get(i) == light && order.get(i - 1) == light, order.toString());
        }
    }

    // The set changes while the proxy runs (resolve-interval): a server that joins shares at once,
    // one that left is never chosen, and with none left there is no choice rather than an error.
    @Test
    void theServersCanBeReplacedWhileChoosing() {
        Server a = server(1, null, 1, false);
        Server b = server(2, null, 1, false);
        for (Balance balance : Balance.values()) {
            ServerChoice choice = new ServerChoice(List.of(a), balance);
            assertEquals(Map.of(a, 2), picks(choice, 2));
            choice.replace(List.of(a, b));
            assertEquals(Map.of(a, 2, b, 2), picks(choice, 4), balance.toString());
            choice.replace(List.of(b));
            assertEquals(Map.of(b, 3), picks(choice, 3));
            choice.replace(List.of());
            assertNull(choice.choose(null, null));
        }
    }

    // Tunnels are load: the server with fewer open tunnels (for its weight) gets the next one.
    @Test
    void leastConnectionsCountsOpenTunnelsPerWeight() {
        Server a = server(1, "a", 1, false);
        Server b = server(2, "b", 1, false);
        Server c = server(3, "c", 2, false);
        ServerChoice choice = new ServerChoice(List.of(a, b, c), Balance.LEAST_CONNECTIONS);
        for (int i = 0; i < 3; i++) {
            a.tunnelOpened();
        }
        b.tunnelOpened();
        for (int i = 0; i < 3; i++) {
            c.tunnelOpened(); // 3 for weight 2: 1.5 each, more than b's 1
        }
        assertSame(b, choice.choose(null, null));
        b.tunnelOpened();
        b.tunnelOpened(); // b 3, c 1.5 per weight
        assertSame(c, choice.choose(null, null));
    }

    // Equal loads share: least-connections does not pile every new request on the first server.
    @Test
    void leastConnectionsSharesAmongEqualServers() {
        Server a = server(1, "a", 1, false);
        Server b = server(2, "b", 1, false);
        Map<Server, Integer> counts = picks(new ServerChoice(List.of(a, b), Balance.LEAST_CONNECTIONS), 10);
        assertEquals(5, counts.get(a));
        assertEquals(5, counts.get(b));
    }

    // A backup gets requests only while no other server is up, and gives them back after.
    @Test
    void backupOnlyWhenNoOtherServerIsUp() {
        Server a = server(1, "a", 1, false);
        Server backup = server(2, "b", 1, true);
        ServerChoice choice = new ServerChoice(List.of(a, backup), Balance.ROUND_ROBIN);
        assertEquals(Map.of(a, 4), picks(choice, 4));
        a.startDrain(null);
        assertEquals(Map.of(backup, 4), picks(choice, 4));
        a.enable();
        assertEquals(Map.of(a, 4), picks(choice, 4));
    }

    // The session's route wins while its server is up; a draining or down one fails over.
    @Test
    void stickyRouteUnlessItsServerIsOut() {
        Server a = server(1, "node1", 1, false);
        Server b = server(2, "node2", 1, false);
        ServerChoice choice = new ServerChoice(List.of(a, b), Balance.ROUND_ROBIN);
        for (int i = 0; i < 4; i++) {
            assertSame(b, choice.choose("node2", null));
        }
        b.startDrain(Duration.ofMinutes(5));
        assertSame(a, choice.choose("node2", null));
        b.enable();
        b.checked(false, 3, "status 503");
        assertSame(a, choice.choose("node2", null));
        assertSame(a, choice.choose("nobody", null));
    }

    // Ejected after a failure: others first; when every server is ejected they are still tried
    // (one failure must not make a lone server unusable); down by check or drained: never.
    @Test
    void ejectedServersAreALastResortButCheckedDownOnesAreNot() {
        Server a = server(1, "a", 1, false);
        Server b = server(2, "b", 1, false);
        ServerChoice choice = new ServerChoice(List.of(a, b), Balance.ROUND_ROBIN);
        a.failed(Server.Failure.CONNECT, "connection refused");
        assertEquals(ServerState.EJECTED, a.state());
        assertEquals(Map.of(b, 4), picks(choice, 4));
        b.failed(Server.Failure.TIMEOUT, "no response head within 10 ms");
        assertEquals(2, picks(choice, 4).size(), "both ejected: both tried");
        a.checked(false, 3, "connection refused");
        b.startDrain(null);
        assertNull(choice.choose(null, null));

        Server only = server(3, null, 1, false);
        ServerChoice lone = new ServerChoice(List.of(only), Balance.ROUND_ROBIN);
        only.failed(Server.Failure.RESET, "connection reset");
        assertSame(only, lone.choose(null, null));
        only.checked(false, 2, "status 503");
        assertNull(lone.choose(null, null));
    }

    // A retry goes to a server the request has not been to.
    @Test
    void triedServersAreSkipped() {
        Server a = server(1, "a", 1, false);
        Server b = server(2, "b", 1, false);
        ServerChoice choice = new ServerChoice(List.of(a, b), Balance.LEAST_CONNECTIONS);
        assertSame(b, choice.choose(null, List.of(a)));
        assertSame(b, choice.choose("a", List.of(a)));
        assertNull(choice.choose(null, List.of(a, b)));
    }

    // Each ejection in a row doubles the wait; an answer resets it.
    @Test
    void ejectionsInARowDoubleUntilAnAnswer() {
        Server a = server(1, "a", 1, false);
        a.failed(Server.Failure.CONNECT, "connection refused");
        a.failed(Server.Failure.CONNECT, "connection refused"); // while ejected: counted, not ejected again
        assertEquals(2, a.connectErrors());
        assertEquals("connection refused", a.problem());
        a.answered();
        assertEquals(ServerState.EJECTED, a.state(), "an answer does not cut the ejection short");
    }
}
