package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The message counts the registry reports are the messages the clients sent and got back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunnelMessageCountsIT {
    private static final int TUNNELS = 100;
    private static final int[] SIZES = {0, 10, 125, 126, 1000, 65_535, 65_536, 200_000};
    private static final Duration WAIT = Duration.ofSeconds(30);

    // 100 tunnels at once, tunnel i sending 1 + i % 5 messages of mixed sizes (7-, 16- and
    // 64-bit lengths; every third one in two fragments, which is still one message) to an
    // echo: each closed tunnel counts exactly its messages each way, and the client's 1000.
    @Test
    void countsEqualWhatTheClientsSentFor100ConcurrentTunnels() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            List<CompletableFuture<Integer>> tunnels = new ArrayList<>();
            for (int i = 0; i < TUNNELS; i++) {
                int index = i;
                tunnels.add(CompletableFuture.supplyAsync(() -> converse(http, proxy, index)));
            }
            Map<Integer, Long> sentPerTunnel = tunnels.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            await().atMost(WAIT).until(() -> proxy.tunnels().open() == 0);

            List<Tunnel> closed = proxy.tunnels().recentlyClosed();
            assertEquals(TUNNELS, closed.size());
            for (Tunnel tunnel : closed) {
                assertNull(tunnel.framingProblem(), tunnel.toString());
                assertEquals(tunnel.messagesToUpstream(), tunnel.messagesToClient(), "an echo: " + tunnel);
                assertEquals(1000, tunnel.clientCloseCode(), tunnel.toString());
            }
            Map<Integer, Long> counted = closed.stream().map(t -> (int) t.messagesToUpstream())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(sentPerTunnel, counted, "tunnels by number of messages: sent vs counted");
        }
    }

    /** Sends tunnel {@code index}'s messages, checks each echo, closes normally; returns how many it sent. */
    private static int converse(HttpClient http, Sluice proxy, int index) {
        try {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(http, proxy.uri("ws", "/echo"), recorder);
            int messages = 1 + index % 5;
            for (int m = 0; m < messages; m++) {
                int size = SIZES[(index + m) % SIZES.length];
                byte[] payload = EchoTunnelContract.randomAscii(size).getBytes();
                if (m % 3 == 2 && size > 1) {
                    ws.sendBinary(ByteBuffer.wrap(payload, 0, size / 2), false).get(10, TimeUnit.SECONDS);
                    ws.sendBinary(ByteBuffer.wrap(payload, size / 2, size - size / 2), true).get(10, TimeUnit.SECONDS);
                } else {
                    ws.sendBinary(ByteBuffer.wrap(payload), true).get(10, TimeUnit.SECONDS);
                }
                assertEquals(size, recorder.next(WAIT).binary().length, "echo of message " + m);
            }
            EchoTunnelContract.closeCleanly(ws, recorder);
            return messages;
        } catch (Exception e) {
            throw new AssertionError("tunnel " + index, e);
        }
    }
}
