package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded fuzz of the TLS door: real ClientHellos (from the JDK's own engine) with random
 * mutations (flipped bytes, lying record and handshake lengths, cuts), random bytes, and plain
 * HTTP, sent to a TLS listener. Each connection ends (an alert and a close, or the handshake
 * deadline) within the request-header timeout and a margin, nothing logs a stack trace, and a
 * real HTTPS client is served afterwards. Widen with {@code -Dfuzz.seed=N -Dfuzz.cases=N}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsFuzzIT {
    private static final long SEED = Long.getLong("fuzz.seed", 20_261_206L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 200);

    @TempDir
    Path dir;

    @Test
    void hostileHandshakesEndInTimeAndLeaveNoStackTrace() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> stackTraces;
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.builder().route("/", backend.uri()).tls(tls)
                         .limits(LimitsConfig.DEFAULTS.withRequestHeaderTimeout(Duration.ofSeconds(1))).start()) {
                SplittableRandom random = new SplittableRandom(SEED);
                List<byte[]> cases = new ArrayList<>();
                for (int i = 0; i < CASES; i++) {
                    cases.add(hostileCase(random.split(), ca));
                }
                ExecutorService pool = Executors.newFixedThreadPool(8);
                try {
                    List<Future<String>> runs = new ArrayList<>();
                    for (byte[] c : cases) {
                        runs.add(pool.submit(() -> run(proxy.port(), c)));
                    }
                    for (Future<String> run : runs) {
                        outcomes.merge(run.get(), 1, Integer::sum);
                    }
                } finally {
                    pool.shutdownNow();
                }
                HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
                assertEquals("ok", client.send(HttpRequest.newBuilder(proxy.uri("https", "/after")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            stackTraces = log.stackTraces().stream().filter(trace -> !trace.startsWith("[XNIO-")).toList();
        }
        System.out.printf("tls fuzz seed %d, %d cases, outcomes: %s%n", SEED, CASES, outcomes);
        assertEquals(0, outcomes.getOrDefault("still open", 0), "connections the proxy kept open: " + outcomes);
        assertTrue(stackTraces.isEmpty(), "stack traces logged:\n" + String.join("\n", stackTraces));
    }

    /** Sends the bytes; how the connection ended, reading whatever the proxy answers (alerts, a ServerHello). */
    private static String run(int port, byte[] bytes) throws IOException {
        try (RawPeer client = RawPeer.connect(port)) {
            try {
                client.write(bytes);
            } catch (IOException closedWhileWriting) {
                return "closed";
            }
            try {
                String end = client.awaitEnd(Duration.ofSeconds(5)); // the handshake deadline is 1 s
                return end.startsWith("EOF") ? "closed" : "reset";
            } catch (AssertionError open) {
                return "still open";
            }
        }
    }

    private static byte[] hostileCase(SplittableRandom random, TestCertificates ca) throws IOException {
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] garbage = new byte[1 + random.nextInt(600)];
                random.nextBytes(garbage);
                yield garbage;
            }
            case 1 -> "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            default -> mutate(clientHello(ca), random);
        };
    }

    private static byte[] mutate(byte[] hello, SplittableRandom random) {
        byte[] copy = hello.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(4)) {
                case 0 -> copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                case 1 -> copy[3 + random.nextInt(2)] = (byte) random.nextInt(256); // the record length
                case 2 -> copy[6 + random.nextInt(3)] = (byte) random.nextInt(256); // the handshake length
                default -> copy = Arrays.copyOf(copy, 1 + random.nextInt(copy.length));
            }
        }
        return copy;
    }

    /** The first flight of a real TLS client: one record holding its ClientHello. */
    private static byte[] clientHello(TestCertificates ca) throws IOException {
        try {
            SSLEngine engine = ca.clientContext().createSSLEngine("127.0.0.1", 443);
            engine.setUseClientMode(true);
            engine.beginHandshake();
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            return bytes;
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException(e);
        }
    }
}
