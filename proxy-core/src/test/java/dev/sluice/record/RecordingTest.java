package dev.sluice.record;

import dev.sluice.config.RecordingConfig;
import dev.sluice.ws.Direction;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recording's bounds: one byte budget for everything, the oldest forgotten first; what it keeps of headers. */
class RecordingTest {
    private static final long BUDGET = RecordingConfig.MIN_BUDGET;

    // Exchanges past the budget: the newest that fit are kept, oldest first, and the recording's
    // estimate never goes over the budget.
    @Test
    void exchangesPastTheBudgetForgetTheOldest() {
        Recording recording = Recording.on(new RecordingConfig(0, BUDGET, false));
        long each = Recording.estimate(exchange("/0000"));
        int fit = (int) (BUDGET / each);
        for (int i = 0; i < fit + 50; i++) {
            recording.add(exchange(String.format("/%04d", i)));
            assertTrue(recording.bytes() <= BUDGET, "over budget after " + i + ": " + recording.bytes());
        }
        List<HttpExchange> kept = recording.exchanges();
        assertEquals(fit, kept.size());
        assertEquals(String.format("/%04d", 50), kept.get(0).path());
        assertEquals(String.format("/%04d", fit + 49), kept.get(kept.size() - 1).path());
        assertEquals(fit * each, recording.bytes());
    }

    // One tunnel that stays open sends more than the budget holds: its oldest messages are
    // forgotten by the recording and by the tunnel's own log alike (the two stay the same), and
    // so is the exchange recorded before them. Each message counts its payload and the overhead.
    @Test
    void messagesOfAnOpenTunnelAreForgottenToo() {
        Recording recording = Recording.on(new RecordingConfig(1000, BUDGET, false));
        recording.add(exchange("/before"));
        MessageLog log = recording.tunnelOpened(7);
        byte[] payload = new byte[1000];
        long each = Recording.MESSAGE_OVERHEAD + payload.length;
        int sent = (int) (3 * BUDGET / each);
        for (int i = 0; i < sent; i++) {
            log.add(new WsMessage(Direction.TO_CLIENT, WsMessage.BINARY, i, Instant.now(), payload));
            assertTrue(recording.bytes() <= BUDGET, "over budget after message " + i);
        }
        int fit = (int) (BUDGET / each);
        List<WsMessage> kept = log.list();
        assertEquals(fit, kept.size());
        assertEquals(sent - fit, kept.get(0).length(), "the oldest are gone");
        assertEquals(sent - 1, kept.get(kept.size() - 1).length());
        assertEquals(kept, recording.messages(7));
        assertEquals(List.of(), recording.exchanges(), "the exchange was older than every message kept");
    }

    // Exchanges and the messages of two tunnels, interleaved: what is left is the newest of them
    // all in the order they were recorded, whatever kind each is.
    @Test
    void oneOrderForExchangesAndMessages() {
        Recording recording = Recording.on(new RecordingConfig(0, BUDGET, false));
        MessageLog a = recording.tunnelOpened(1);
        MessageLog b = recording.tunnelOpened(2);
        List<String> recorded = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            switch (i % 3) {
                case 0 -> {
                    recording.add(exchange(String.format("/%04d", i)));
                    recorded.add("x" + i);
                }
                case 1 -> {
                    a.add(new WsMessage(Direction.TO_UPSTREAM, WsMessage.TEXT, i, Instant.now(), null));
                    recorded.add("a" + i);
                }
                default -> {
                    b.add(new WsMessage(Direction.TO_CLIENT, WsMessage.TEXT, i, Instant.now(), null));
                    recorded.add("b" + i);
                }
            }
        }
        List<String> kept = new ArrayList<>();
        recording.exchanges().forEach(e -> kept.add("x" + Integer.parseInt(e.path().substring(1))));
        recording.messages(1).forEach(m -> kept.add("a" + m.length()));
        recording.messages(2).forEach(m -> kept.add("b" + m.length()));
        kept.sort((x, y) -> Integer.compare(Integer.parseInt(x.substring(1)), Integer.parseInt(y.substring(1))));
        assertTrue(kept.size() > 10 && kept.size() < recorded.size(), kept.size() + " kept");
        assertEquals(recorded.subList(recorded.size() - kept.size(), recorded.size()), kept, "a suffix of all");
        long estimate = recording.exchanges().stream().mapToLong(Recording::estimate).sum()
                + (long) (recording.messages(1).size() + recording.messages(2).size()) * Recording.MESSAGE_OVERHEAD;
        assertEquals(estimate, recording.bytes());
    }

    // A tunnel whose messages were all forgotten is found again by its id once it sends more;
    // clear() forgets everything and the estimate starts from 0.
    @Test
    void aForgottenTunnelIsFoundAgainAndClearStartsAfresh() {
        Recording recording = Recording.on(new RecordingConfig(0, BUDGET, false));
        MessageLog quiet = recording.tunnelOpened(1);
        quiet.add(new WsMessage(Direction.TO_CLIENT, WsMessage.PING, 0, Instant.now(), null));
        MessageLog busy = recording.tunnelOpened(2);
        for (int i = 0; i < BUDGET / Recording.MESSAGE_OVERHEAD; i++) {
            busy.add(new WsMessage(Direction.TO_CLIENT, WsMessage.TEXT, i, Instant.now(), null));
        }
        assertEquals(List.of(), recording.messages(1));
        assertEquals(List.of(), quiet.list());
        quiet.add(new WsMessage(Direction.TO_UPSTREAM, WsMessage.PONG, 0, Instant.now(), null));
        assertEquals(1, recording.messages(1).size());

        recording.clear();
        assertEquals(0, recording.bytes());
        assertEquals(List.of(), recording.messages(2));
        assertEquals(List.of(), busy.list());
        busy.add(new WsMessage(Direction.TO_CLIENT, WsMessage.TEXT, 1, Instant.now(), null));
        assertEquals(1, recording.messages(2).size());
        assertEquals(Recording.MESSAGE_OVERHEAD, recording.bytes());
    }

    // Off, nothing is kept and no tunnel gets a log.
    @Test
    void offKeepsNothing() {
        Recording off = Recording.off();
        assertNull(off.tunnelOpened(1));
        assertTrue(off.exchanges().isEmpty());
        assertTrue(off.messages(1).isEmpty());
    }

    // Cookie, Set-Cookie, Authorization and Proxy-Authorization, in any case, are recorded as
    // [redacted] (every value of each); other headers as sent. Kept when the recording keeps secrets.
    @Test
    void credentialsAreRedactedUnlessKept() {
        HeaderMap headers = new HeaderMap();
        headers.add(new HttpString("cookie"), "session=s3cret");
        headers.add(new HttpString("Set-Cookie"), "a=1; HttpOnly");
        headers.add(new HttpString("Set-Cookie"), "b=2");
        headers.add(new HttpString("AUTHORIZATION"), "Bearer t0ken");
        headers.add(new HttpString("Proxy-Authorization"), "Basic cHJveHk=");
        headers.add(new HttpString("X-Other"), "visible");

        Map<String, List<String>> redacted = Recording.on(0).headers(headers);
        assertEquals(List.of("[redacted]"), redacted.get("cookie"));
        assertEquals(List.of("[redacted]", "[redacted]"), redacted.get("Set-Cookie"));
        assertEquals(List.of("[redacted]"), redacted.get("AUTHORIZATION"));
        assertEquals(List.of("[redacted]"), redacted.get("Proxy-Authorization"));
        assertEquals(List.of("visible"), redacted.get("X-Other"));

        Map<String, List<String>> kept = Recording.on(new RecordingConfig(0, BUDGET, true)).headers(headers);
        assertEquals(List.of("session=s3cret"), kept.get("cookie"));
        assertEquals(List.of("a=1; HttpOnly", "b=2"), kept.get("Set-Cookie"));
        assertEquals(List.of("Bearer t0ken"), kept.get("AUTHORIZATION"));
        assertEquals(List.of("Basic cHJveHk="), kept.get("Proxy-Authorization"));
    }

    // Forty 1KiB headers and a small one after them: a header list keeps what fits in its share
    // (the small one too), and says in a header of its own how much it left out.
    @Test
    void hugeHeadersAreCutToTheirShare() {
        HeaderMap headers = new HeaderMap();
        for (int i = 0; i < 40; i++) {
            headers.add(new HttpString(String.format("X-Big-%02d", i)), "v".repeat(1024));
        }
        headers.add(new HttpString("X-Small"), "s");
        Map<String, List<String>> kept = Recording.on(0).headers(headers);
        String cut = kept.get(Recording.HEADERS_CUT).get(0);
        int bigKept = (int) kept.keySet().stream().filter(name -> name.startsWith("X-Big-")).count();
        assertTrue(bigKept > 0 && bigKept < 40, bigKept + " kept");
        assertTrue(cut.startsWith((40 - bigKept) + " header values ("), cut);
        assertEquals(List.of("s"), kept.get("X-Small"));
        Map<String, List<String>> withoutMark = new LinkedHashMap<>(kept);
        withoutMark.remove(Recording.HEADERS_CUT);
        long estimate = Headers.estimate(withoutMark);
        assertTrue(estimate <= Recording.MAX_HEADER_BYTES, "" + estimate);
    }

    // A HAR of many exchanges, and of a tunnel with 1MB of messages, is handed to the writer in
    // pieces, never as one string; har() is the same text.
    @Test
    void harIsWrittenAsItGoes() throws IOException {
        Recording recording = Recording.on(new RecordingConfig(1024, RecordingConfig.DEFAULT_BUDGET, false));
        for (int i = 0; i < 2000; i++) {
            recording.add(exchange("/" + i));
        }
        MessageLog log = recording.tunnelOpened(1);
        recording.add(new HttpExchange(Instant.now(), "GET", "/ws", "", "HTTP/1.1", "x", 101, Duration.ZERO, "/", "app",
                "127.0.0.1:1", Map.of(), Map.of(), 0, 1, null, null));
        for (int i = 0; i < 1000; i++) {
            log.add(new WsMessage(Direction.TO_CLIENT, WsMessage.BINARY, 1024, Instant.now(), new byte[1024]));
        }
        StringWriter whole = new StringWriter();
        int[] largest = {0};
        int[] writes = {0};
        Writer out = new Writer() {
            @Override
            public void write(char[] chars, int off, int len) {
                whole.write(chars, off, len);
                largest[0] = Math.max(largest[0], len);
                writes[0]++;
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        recording.writeHar(out);
        String har = whole.toString();
        assertTrue(har.length() > 1_500_000, har.length() + " characters");
        assertTrue(largest[0] <= 2 * HarWriter.CHUNK, "largest write " + largest[0]);
        assertTrue(writes[0] >= 2000, writes[0] + " writes");
        assertEquals(recording.har(), har);
        assertTrue(har.startsWith("{\"log\":{\"version\":\"1.2\"") && har.endsWith("]}}"), har.substring(0, 40));
    }

    private static HttpExchange exchange(String path) {
        return new HttpExchange(Instant.now(), "GET", path, "", "HTTP/1.1", "x", 200, Duration.ZERO, "/", "app",
                "127.0.0.1:1", Map.of("Host", List.of("x")), Map.of(), 0, HttpExchange.NO_TUNNEL, null, null);
    }
}
