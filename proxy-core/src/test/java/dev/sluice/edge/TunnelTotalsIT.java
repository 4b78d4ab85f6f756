package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tunnel totals on /metrics are Prometheus counters: they never go down between two scrapes,
 * not even while tunnels close (a tunnel used to leave the open set before its counts joined the
 * closed totals, which Prometheus reads as a counter reset), and they are what went through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelTotalsIT {
    private static final String[] SERIES = {
        "sluice_tunnel_bytes_total{direction=\"to_upstream\"}",
        "sluice_tunnel_bytes_total{direction=\"to_client\"}",
        "sluice_tunnel_messages_total{direction=\"to_upstream\"}",
        "sluice_tunnel_messages_total{direction=\"to_client\"}",
    };
    private static final int ROUNDS = 3;
    private static final int PER_ROUND = 100;

    // One thread scrapes in a loop while a hundred tunnels, each having carried a message each way,
    // are reset at once, three times over: no scrape sees a total lower than the scrape before; at
    // the end the totals are the bytes and messages that went through.
    @Test
    void totalsNeverGoDownWhileTunnelsCloseAndEqualWhatWentThrough() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            List<String> decreases = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger scrapes = new AtomicInteger();
            Thread scraper = new Thread(() -> {
                double[] previous = new double[SERIES.length];
                while (!stop.get()) {
                    double[] now = totals(proxy.metrics().scrape());
                    for (int i = 0; i < SERIES.length; i++) {
                        if (now[i] < previous[i]) {
                            decreases.add(SERIES[i] + " went from " + previous[i] + " to " + now[i]);
                        }
                    }
                    previous = now;
                    scrapes.incrementAndGet();
                }
            }, "scraper");
            scraper.start();

            long toUpstream = 0;
            long toClient = 0;
            List<RawPeer> peers = new ArrayList<>();
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < PER_ROUND; i++) {
                        WsWire.Answer client = WsWire.open(proxy.port(), "/totals");
                        assertEquals(101, client.status(), client.head().text());
                        RawPeer upstream = backend.takePeer();
                        peers.add(client.peer());
                        peers.add(upstream);
                        byte[] up = WsWire.clientText("hello " + i);
                        client.peer().write(up);
                        assertArrayEquals(up, upstream.readExactly(up.length));
                        byte[] down = WsWire.serverText("answer " + i + " " + "x".repeat(i));
                        upstream.write(down);
                        assertArrayEquals(down, client.peer().readExactly(down.length));
                        toUpstream += up.length;
                        toClient += down.length;
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.tunnels().open() == PER_ROUND);
                    // All of them close at once, on the IO threads, while the scraper scrapes.
                    proxy.faults().resetTunnels();
                    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.tunnels().open() == 0);
                    peers.forEach(RawPeer::close);
                    peers.clear();
                }
                int seen = scrapes.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> scrapes.get() > seen + 1);
            } finally {
                stop.set(true);
                scraper.join();
                peers.forEach(RawPeer::close);
            }

            assertEquals(List.of(), decreases);
            double[] last = totals(proxy.metrics().scrape());
            assertEquals(toUpstream, (long) last[0], "bytes to upstream");
            assertEquals(toClient, (long) last[1], "bytes to client");
            assertEquals(ROUNDS * PER_ROUND, (long) last[2], "messages to upstream");
            assertEquals(ROUNDS * PER_ROUND, (long) last[3], "messages to client");
            assertTrue(scrapes.get() > 1, "scraped while tunnels closed");
        }
    }

    private static double[] totals(String scrape) {
        double[] values = new double[SERIES.length];
        for (String line : scrape.split("\n")) {
            for (int i = 0; i < SERIES.length; i++) {
                if (line.startsWith(SERIES[i] + " ")) {
                    values[i] = Double.parseDouble(line.substring(SERIES[i].length() + 1).trim());
                }
            }
        }
        return values;
    }
}
