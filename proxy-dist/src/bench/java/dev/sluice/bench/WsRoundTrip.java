package dev.sluice.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sequential WebSocket round trips: send one text message, wait for its echo, repeat.
 * Prints one line: {@code URI rounds=N mean_us=.. p50_us=.. p99_us=.. max_us=..}.
 *
 * <p>Usage: {@code WsRoundTrip ws://127.0.0.1:PORT/ws ROUNDS WARMUP_ROUNDS PAYLOAD_BYTES [TRUSTED.pem]}
 *
 * <p>For a {@code wss://} URI, {@code TRUSTED.pem} holds the certificate(s) to trust (the
 * benchmark's self-signed one); the JDK's own trust store is not used then. The host name is
 * still verified: the certificate must name the URI's host (an IP SAN for 127.0.0.1).
 */
public final class WsRoundTrip {
    private static final long ECHO_TIMEOUT_SECONDS = 5;

    private WsRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String payload = "x".repeat(Integer.parseInt(args[3]));

        BlockingQueue<String> echoes = new ArrayBlockingQueue<>(16);
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (args.length > 4) {
            builder.sslContext(trusting(Path.of(args[4])));
        }
        HttpClient http = builder.build();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(uri, new Collector(echoes))
                .get(10, TimeUnit.SECONDS);

        for (int i = 0; i < warmup; i++) {
            roundTrip(ws, echoes, payload);
        }
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            micros[i] = roundTrip(ws, echoes, payload) / 1_000;
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);

        Arrays.sort(micros);
        double mean = Arrays.stream(micros).average().orElse(0);
        System.out.printf("%s rounds=%d mean_us=%.1f p50_us=%d p99_us=%d max_us=%d%n",
                uri, rounds, mean, percentile(micros, 50), percentile(micros, 99), micros[rounds - 1]);
    }

    /** One round trip in nanoseconds; fails loudly if the echo is missing or different. */
    private static long roundTrip(WebSocket ws, BlockingQueue<String> echoes, String payload) throws Exception {
        long start = System.nanoTime();
        ws.sendText(payload, true).get(ECHO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String echo = echoes.poll(ECHO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        if (!payload.equals(echo)) {
            throw new IllegalStateException("no echo or a wrong one within " + ECHO_TIMEOUT_SECONDS + "s: " + echo);
        }
        return elapsed;
    }

    /** A TLS context that trusts exactly the certificates in this PEM file. */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("trusted-" + n++, certificate);
            }
            if (n == 0) {
                throw new IllegalArgumentException("no certificate in " + pem);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Puts each whole text message on the queue; asks for the next one only afterwards. */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> echoes;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> echoes) {
            this.echoes = echoes;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                echoes.offer(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
