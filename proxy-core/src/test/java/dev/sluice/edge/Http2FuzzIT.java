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
import java.nio.charset.StandardCharsets;
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
 * updates, garbage header blocks, header blocks in many CONTINUATION pieces, a client's
 * PUSH_PROMISE, truncations) and random extra frames, some after an {@code Upgrade: h2c}.
 * Whatever comes, the proxy answers, refuses, closes, or waits for the rest of a request as
 * HTTP/2 lets it; it logs
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
                if (bytes[0] == 'G') {
                    client.readHead(); // the 101, or an HTTP/1.1 answer (then the frames are garbage to it)
                }
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

    /**
     * A preface, then a valid request's frames and random frames, some mutated; one case in six
     * comes after an {@code Upgrade: h2c} request instead, sent with it in one write.
     */
    private static byte[] hostileCase(SplittableRandom random, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(6) == 0) {
            out.writeBytes(("GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(H2Wire.PREFACE);
        out.writeBytes(H2Wire.frame(H2Wire.SETTINGS, 0, 0, settings(random)));
        int frames = 1 + random.nextInt(6);
        for (int f = 0; f < frames; f++) {
            byte[] frame;
            int kind = random.nextInt(8);
            if (kind == 0) {
                frame = headerBlockInPieces(random, port);
            } else if (kind == 1) {
                frame = H2Wire.frame(H2Wire.PUSH_PROMISE, random.nextInt(256), 1 + 2 * random.nextInt(4),
                        new byte[] {0, 0, 0, (byte) (2 * random.nextInt(4))});
            } else if (kind < 4) {
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

    /**
     * HEADERS without END_HEADERS, then CONTINUATION frames (empty, or literal fields), the
     * last with END_HEADERS or not, sometimes a hundred of them.
     */
    private static byte[] headerBlockInPieces(SplittableRandom random, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int stream = 1 + 2 * random.nextInt(20);
        out.writeBytes(H2Wire.frame(H2Wire.HEADERS, H2Wire.END_STREAM, stream, H2Wire.headerBlock(":method", "GET",
                ":scheme", "http", ":path", "/c" + random.nextInt(100), ":authority", "127.0.0.1:" + port)));
        int pieces = random.nextInt(4) == 0 ? 100 + random.nextInt(900) : 1 + random.nextInt(5);
        for (int i = 0; i < pieces; i++) {
            // Random bytes too: an indexed field past the dynamic table (a byte 0xBE..0xFF first)
            // would fail Undertow 2.4.4's HPACK decoder with a NullPointerException and a stack
            // trace, had Sluice not decoded the block first.
            byte[] payload = switch (random.nextInt(3)) {
                case 0 -> new byte[0];
                case 1 -> H2Wire.headerBlock("x-c" + i, "v".repeat(random.nextInt(200)));
                default -> {
                    byte[] bytes = new byte[1 + random.nextInt(30)];
                    random.nextBytes(bytes);
                    yield bytes;
                }
            };
            boolean last = i == pieces - 1 && random.nextBoolean();
            out.writeBytes(H2Wire.frame(H2Wire.CONTINUATION, last ? H2Wire.END_HEADERS : 0, stream, payload));
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
