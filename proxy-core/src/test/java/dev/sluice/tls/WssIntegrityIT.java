package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.TlsConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Integrity through TLS: a thousand wss:// tunnels open at once, each sending random binary
 * messages (1 B to 16 KiB, so TLS records and WebSocket frames cut each other anywhere) to an echo
 * upstream over ws://. Every echo comes back whole and in order: its CRC-32 and length match what
 * was sent, message by message, with nothing lost, duplicated or reordered.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WssIntegrityIT {
    private static final int TUNNELS = 1_000;
    private static final int MESSAGES = 8;

    @TempDir
    Path dir;

    @Test
    void aThousandWssTunnelsLoseAndReorderNothing() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(Duration.ofSeconds(30)).build();
        try (WsEchoBackend backend = WsEchoBackend.start();
             // a thousand connects at once to a backend on one IO thread may take longer than 5 s on 2
             // busy cores: this test is about the bytes, so the connect may take 30 s
             Sluice proxy = Sluice.builder().upstream(new UpstreamConfig("echo", List.of(new ServerConfig(backend.uri(),
                             null)), null, UpstreamConfig.DEFAULT_STICKY_COOKIE, Duration.ofSeconds(30),
                             UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT, UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER))
                     .route(RouteConfig.of("/", "echo")).tls(tls).start()) {
            List<WsRecorder> recorders = new ArrayList<>();
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int t = 0; t < TUNNELS; t++) {
                WsRecorder recorder = new WsRecorder();
                recorders.add(recorder);
                opening.add(client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                        .buildAsync(proxy.uri("wss", "/echo"), recorder));
            }
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            List<WebSocket> sockets = opening.stream().map(CompletableFuture::join).toList();
            await("all " + TUNNELS + " tunnels open at once").atMost(Duration.ofSeconds(30))
                    .until(() -> proxy.tunnels().open() == TUNNELS);

            List<List<byte[]>> sent = new ArrayList<>();
            List<CompletableFuture<WebSocket>> sending = new ArrayList<>();
            for (int t = 0; t < TUNNELS; t++) {
                SplittableRandom random = new SplittableRandom(t);
                List<byte[]> messages = new ArrayList<>();
                CompletableFuture<WebSocket> chain = CompletableFuture.completedFuture(sockets.get(t));
                for (int m = 0; m < MESSAGES; m++) {
                    byte[] payload = new byte[1 + random.nextInt(16 * 1024)];
                    random.nextBytes(payload);
                    messages.add(payload);
                    chain = chain.thenCompose(w -> w.sendBinary(ByteBuffer.wrap(payload), true));
                }
                sent.add(messages);
                sending.add(chain);
            }
            Instant deadline = Instant.now().plusSeconds(90);
            for (int t = 0; t < TUNNELS; t++) {
                for (int m = 0; m < MESSAGES; m++) {
                    Duration left = Duration.between(Instant.now(), deadline);
                    assertTrue(!left.isNegative(), "90 s passed before every echo arrived");
                    byte[] echoed = recorders.get(t).next(left).binary();
                    byte[] expected = sent.get(t).get(m);
                    assertEquals(expected.length, echoed.length, "tunnel " + t + " message " + m + ": length");
                    assertEquals(crc(expected), crc(echoed), "tunnel " + t + " message " + m + ": CRC-32");
                }
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
            await("every tunnel closed").atMost(Duration.ofSeconds(60)).until(() -> proxy.tunnels().open() == 0);
        }
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
