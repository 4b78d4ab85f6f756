package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.H2Wire;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded fuzz of the HTTP/2 door: after the preface, each case sends a valid request's frames
 * with random mutations (frame types, flags, lengths that lie, stream ids, settings, window
 * updates, garbage header blocks, truncations) and random extra frames. Whatever comes, the
 * proxy answers, refuses, closes, or waits for the rest of a request as HTTP/2 lets it; it logs
 * no stack trace, and serves a normal HTTP/2 request afterwards. Widen with
 * {@code -Dfuzz.seed=N -Dfuzz.cases=N}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Http2FuzzIT {
    private static final long SEED = Long.getLong("fuzz.seed", 20_261_205L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 240);
    private static final int THREADS = 8;

    @Test
    void hostileFramesGetAnAnswerOrACloseAndLeaveNoStackTrace() throws Exception {
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> stackTraces;
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("ok"));
                 Sluice proxy = Sluice.startYaml("""
                         listeners: [ { address: 127.0.0.1:0, http2: { max-concurrent-streams: 8 } } ]
                         limits: { request-header-timeout: 2s }
                         upstreams: { app: { servers: [ { url: %s } ] } }
                         routes: [ { match: { path: / }, upstream: app } ]
                         """.formatted(backend.uri()))) {
                SplittableRandom random = new SplittableRandom(SEED);
                List<byte[]> cases = new java.util.ArrayList<>();
                for (int i = 0; i < CASES; i++) {
                    cases.add(hostileCase(random.split(), proxy.port()));
                }
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(THREADS);
                try {
                    List<java.util.concurrent.Future<String>> runs = new java.util.ArrayList<>();
                    for (byte[] c : cases) {
                        runs.add(pool.submit(() -> run(proxy.port(), c)));
                    }
                    for (java.util.concurrent.Future<String> run : runs) {
                        outcomes.merge(run.get(), 1, Integer::sum);
                    }
                } finally {
                    pool.shutdownNow();
                }
                HttpResponse<String> after = HttpClients.HTTP_2.send(HttpRequest.newBuilder(proxy.uri("http", "/after"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("ok", after.body());
                assertEquals(HttpClient.Version.HTTP_2, after.version());
            }
            stackTraces = log.stackTraces().stream().filter(trace -> !trace.startsWith("[XNIO-")).toList();
        }
        System.out.printf("h2 fuzz seed %d, %d cases, outcomes: %s%n", SEED, CASES, outcomes);
        assertTrue(stackTraces.isEmpty(), "stack traces logged:\n" + String.join("\n", stackTraces));
    }

    /** Sends the case and reads until the proxy closes or goes quiet; what it did last. */
    private static String run(int port, byte[] bytes) throws IOException {
        try (RawPeer client = RawPeer.connect(port)) {
            client.socket().setSoTimeout(700);
            try {
                client.write(bytes);
            } catch (IOException closedWhileWriting) {
                return "closed";
            }
            String last = "nothing";
            try {
                while (true) {
                    H2Wire.Frame frame = H2Wire.read(client.in());
                    last = switch (frame.type()) {
                        case H2Wire.GOAWAY -> "goaway";
                        case H2Wire.RST_STREAM -> "rst";
                        case H2Wire.HEADERS -> "answered";
                        default -> last;
                    };
                    if (frame.type() == H2Wire.GOAWAY) {
                        return last;
                    }
                }
            } catch (SocketTimeoutException quiet) {
                // an h2 connection stays open between streams, and may wait for the rest of a request
                return last.equals("nothing") ? "waiting" : last;
            } catch (IOException closed) {
                return last.equals("nothing") ? "closed" : last;
            }
        }
    }

    /** A preface, then a valid request's frames and random frames, some mutated. */
    private static byte[] hostileCase(SplittableRandom random, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(H2Wire.PREFACE);
        out.writeBytes(H2Wire.frame(H2Wire.SETTINGS, 0, 0, settings(random)));
        int frames = 1 + random.nextInt(6);
        for (int f = 0; f < frames; f++) {
            byte[] frame;
            if (random.nextInt(3) == 0) {
                frame = randomFrame(random);
            } else {
                int stream = random.nextInt(5) == 0 ? random.nextInt(4) * 2 : 1 + 2 * random.nextInt(20);
                frame = H2Wire.frame(H2Wire.HEADERS, random.nextInt(4) == 0 ? random.nextInt(256)
                                : H2Wire.END_HEADERS | H2Wire.END_STREAM, stream,
                        H2Wire.headerBlock(":method", random.nextBoolean() ? "GET" : "POST", ":scheme", "http",
                                ":path", "/f" + random.nextInt(100), ":authority", "127.0.0.1:" + port));
            }
            if (random.nextInt(4) == 0) {
                frame = mutate(frame, random);
            }
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    private static byte[] settings(SplittableRandom random) {
        int count = random.nextInt(3);
        byte[] payload = new byte[count * 6];
        for (int i = 0; i < count; i++) {
            payload[i * 6 + 1] = (byte) (1 + random.nextInt(8)); // a setting id, known or not
            for (int b = 2; b < 6; b++) {
                payload[i * 6 + b] = (byte) random.nextInt(256);
            }
        }
        return payload;
    }

    private static byte[] randomFrame(SplittableRandom random) {
        byte[] payload = new byte[random.nextInt(40)];
        random.nextBytes(payload);
        return H2Wire.frame(random.nextInt(12), random.nextInt(256), random.nextInt(8), payload);
    }

    /** A lying length, a cut, or a flipped byte. */
    private static byte[] mutate(byte[] frame, SplittableRandom random) {
        byte[] copy = frame.clone();
        switch (random.nextInt(3)) {
            case 0 -> copy[random.nextInt(3)] = (byte) random.nextInt(256);
            case 1 -> {
                return java.util.Arrays.copyOf(copy, Math.max(1, random.nextInt(copy.length)));
            }
            default -> copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return copy;
    }
}
