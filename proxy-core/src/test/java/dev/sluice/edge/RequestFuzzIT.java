package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.proxyprotocol.ProxyHeaderParser;
import dev.sluice.testing.HostileBackend;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.ProxyHeaders;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded fuzz run: a few thousand request heads and WebSocket handshakes mutated as an
 * attacker would ({@link HostileRequests}), each on its own connection to a proxy in front of a
 * real HTTP backend and a real WebSocket echo backend; some clients reset instead of reading.
 * Every connection must get an answer or a close within {@link #LIMIT} (never silence), no
 * answer may be a 5xx the proxy made itself (a backend's own 5xx, relayed, is counted apart),
 * the proxy may log no stack trace, and it must serve a normal request and a tunnel afterwards.
 *
 * <p>Reproduce or widen a run with {@code -Dfuzz.seed=N -Dfuzz.cases=N}; the outcome counts
 * and the seed are printed, and so is every case that went wrong, with its bytes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestFuzzIT {
    private static final long SEED = Long.getLong("fuzz.seed", 20_260_115L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 2_500);
    /** Most cases are answered in milliseconds; a truncated head left open is closed after the 1 s header timeout. */
    private static final Duration LIMIT = Duration.ofSeconds(3);
    private static final LimitsConfig LIMITS = LimitsConfig.DEFAULTS
            .withMaxRequestBodySize(64 * 1024).withRequestHeaderTimeout(Duration.ofSeconds(1));
    /** Connections at once: most of a case is waiting, so a few more than cores. */
    private static final int THREADS = 8;
    /** Canary requests at most per run; they stop when the cases are done. */
    private static final int MAX_CANARIES = 500;
    private static final Pattern STATUS_LINE = Pattern.compile("(?:^|\n)HTTP/1\\.[01] (\\d{3}) ");

    // Every mutated request gets an answer or a close in time, never a 5xx or a stack trace, and
    // the proxy still works afterwards.
    @Test
    void hostileRequestsGetAnAnswerOrACloseAndLeaveNoStackTrace() throws Exception {
        try (HttpBackend http = HttpBackend.start()) {
            Report report = fuzz(http.uri(), CASES, true);
            assertEquals(List.of(), http.failures(), "the HTTP backend's own failures");
            report.assertClean();
        }
    }

    // The same against an upstream that misbehaves as real ones do (HostileBackend: 1xx before
    // the answer, answers before the upload ends, 304 and 204 with a length, hang-ups mid-upload,
    // 417 with the body read as a request of its own, as Node's server does). A 502 is a fair
    // answer here; silence, a stack trace, or an answer that crosses to another request is not.
    // Canary requests run throughout, each on a new connection, and must each get their own answer.
    @Test
    void hostileRequestsAgainstAHostileUpstreamNeverGetAnotherRequestsAnswer() throws Exception {
        try (HostileBackend backend = HostileBackend.start()) {
            fuzz(backend.uri(), CASES / 2, false).assertClean();
        }
    }

    // PROXY protocol headers (v1 and v2, each form) mutated at random, sent in random pieces to a
    // proxy-protocol listener, each followed by a request: every connection gets an answer or a
    // close within the header deadline and some slack (or, when the mutation left a valid header
    // that swallowed the request, idles as a keep-alive connection would); an unmutated header's
    // request is always answered; nothing logs a stack trace; the proxy serves normally afterwards.
    @Test
    void mutatedProxyHeadersGetAnAnswerOrACloseInTimeAndLeaveNoStackTrace() throws Exception {
        List<ProxyCase> cases = proxyCases(new Random(SEED), PROXY_CASES);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<String> stackTraces;
        try (LogCapture log = LogCapture.start()) {
            try (HttpBackend http = HttpBackend.start();
                 Sluice proxy = Sluice.builder().limits(LIMITS).proxyProtocol(true).trustedProxies("127.0.0.1")
                         .route("/", http.uri()).start()) {
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    List<Future<Outcome>> outcomes = new ArrayList<>();
                    for (ProxyCase c : cases) {
                        outcomes.add(pool.submit(() -> runProxyCase(proxy.port(), c)));
                    }
                    for (int i = 0; i < cases.size(); i++) {
                        Outcome outcome = outcomes.get(i).get();
                        counts.merge(outcome.label(), 1, Integer::sum);
                        if (outcome.problem() != null) {
                            problems.add("proxy case " + i + " [" + cases.get(i).mutations() + "] " + outcome.problem()
                                    + "\n    sent: " + new HostileRequests.Case("", cases.get(i).bytes(), false, HostileRequests.ClientEnd.READ).printable());
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
                for (byte[] header : List.of(ProxyHeaders.v1("203.0.113.1", "192.0.2.1", 1, 80),
                        ProxyHeaders.v2("203.0.113.2", "192.0.2.1", 1, 80, new byte[0]))) {
                    try (RawPeer client = RawPeer.connect(proxy.port())) {
                        client.write(RawHttp.concat(header, PROXIED_GET));
                        assertEquals(200, client.readResponse().status(), "a valid header and request after the fuzz");
                    }
                }
            }
            stackTraces = log.stackTraces().stream().filter(trace -> !trace.startsWith("[XNIO-")).toList();
        }
        problems.forEach(System.out::println);
        System.out.printf("PROXY header fuzz seed %d, %d cases, outcomes: %s%n", SEED, cases.size(), counts);
        new Report(problems, stackTraces).assertClean();
    }

    private static final int PROXY_CASES = Integer.getInteger("fuzz.proxyCases", 600);
    private static final byte[] PROXIED_GET = RawHttp.ascii(RawHttp.request("GET", "/p", "Host: app"));

    /** One PROXY fuzz case: header (mutated or not) and request, the pieces it is written in, and whether it half-closes. */
    private record ProxyCase(byte[] bytes, List<Integer> cuts, boolean halfClose, boolean valid, String mutations) {
    }

    private static List<ProxyCase> proxyCases(Random random, int count) {
        List<byte[]> valid = List.of(
                ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 51000, 443),
                ProxyHeaders.v1("2001:db8::7", "2001:db8::1", 51000, 443),
                RawHttp.ascii("PROXY UNKNOWN\r\n"),
                ProxyHeaders.v2("203.0.113.7", "192.0.2.1", 51000, 443, new byte[0]),
                ProxyHeaders.v2("203.0.113.7", "192.0.2.1", 51000, 443,
                        ProxyHeaders.tlv(0x01, RawHttp.ascii("http/1.1"))),
                ProxyHeaders.v2("2001:db8::7", "2001:db8::1", 51000, 443, ProxyHeaders.tlv(0xEA, new byte[20])),
                ProxyHeaders.v2Local());
        List<ProxyCase> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] header = valid.get(random.nextInt(valid.size()));
            List<String> mutations = new ArrayList<>();
            int rounds = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                header = mutate(random, header, mutations);
            }
            byte[] bytes = RawHttp.concat(header, PROXIED_GET);
            List<Integer> cuts = new ArrayList<>();
            int pieces = random.nextInt(4) == 0 ? Math.min(bytes.length, 2 + random.nextInt(20)) : 1;
            for (int p = 1; p < pieces; p++) {
                cuts.add(random.nextInt(bytes.length));
            }
            cuts.sort(null);
            cases.add(new ProxyCase(bytes, cuts, random.nextBoolean(), rounds == 0, String.join(", ", mutations)));
        }
        return cases;
    }

    private static byte[] mutate(Random random, byte[] header, List<String> mutations) {
        byte[] h = header;
        if (h.length == 0) {
            mutations.add("one byte");
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(h.length);
        switch (random.nextInt(7)) {
            case 0 -> {
                h = h.clone();
                h[at] = (byte) random.nextInt(256);
                mutations.add("byte " + at + " set");
            }
            case 1 -> {
                h = RawHttp.concat(Arrays.copyOfRange(h, 0, at), Arrays.copyOfRange(h, at + 1, h.length));
                mutations.add("byte " + at + " deleted");
            }
            case 2 -> {
                h = RawHttp.concat(Arrays.copyOfRange(h, 0, at), new byte[] {(byte) random.nextInt(256)},
                        Arrays.copyOfRange(h, at, h.length));
                mutations.add("byte inserted at " + at);
            }
            case 3 -> {
                h = Arrays.copyOfRange(h, 0, at);
                mutations.add("cut at " + at);
            }
            case 4 -> {
                if (h.length >= 16 && h[0] == 0x0D) {
                    h = h.clone();
                    int length = random.nextBoolean() ? random.nextInt(65536) : random.nextInt(80);
                    h[14] = (byte) (length >> 8);
                    h[15] = (byte) length;
                    mutations.add("v2 length " + length);
                } else {
                    h = RawHttp.concat(h, RawHttp.ascii("1".repeat(random.nextInt(120))));
                    mutations.add("v1 line grown");
                }
            }
            case 5 -> {
                int end = at + random.nextInt(h.length - at + 1);
                h = RawHttp.concat(Arrays.copyOfRange(h, 0, end), Arrays.copyOfRange(h, at, h.length));
                mutations.add("bytes " + at + ".." + end + " repeated");
            }
            default -> {
                if (h.length >= 16 && h[0] == 0x0D) {
                    h = h.clone();
                    h[13] = (byte) random.nextInt(256);
                    mutations.add("v2 family " + (h[13] & 0xff));
                } else {
                    h = h.clone();
                    h[at] = (byte) "0123456789.: \r\nABCDEF".charAt(random.nextInt(20));
                    mutations.add("v1 byte " + at + " set");
                }
            }
        }
        return h;
    }

    private static Outcome runProxyCase(int port, ProxyCase c) throws IOException {
        try (RawPeer client = RawPeer.connect(port)) {
            client.socket().setSoTimeout((int) LIMIT.toMillis());
            try {
                int from = 0;
                for (int cut : c.cuts()) {
                    client.write(Arrays.copyOfRange(c.bytes(), from, cut));
                    from = cut;
                }
                client.write(Arrays.copyOfRange(c.bytes(), from, c.bytes().length));
                if (c.halfClose()) {
                    client.shutdownOutput();
                }
            } catch (IOException e) {
                // closed while the bytes were still going out: refused, as it may be
            }
            RawHttp.Head head;
            try {
                head = client.readHeadOrNull();
            } catch (SocketTimeoutException e) {
                return idleAfterAHeader(c) ? Outcome.ok("idle after a header that took the request")
                        : new Outcome("silent", "no answer and no close within " + LIMIT.toMillis() + " ms");
            } catch (SocketException e) {
                head = null;
            } catch (IOException e) {
                return new Outcome("garbled", "an answer that is not an HTTP head: " + e.getMessage());
            }
            if (head == null) {
                return c.valid() ? new Outcome("closed", "a valid header's request was not answered") : Outcome.ok("closed");
            }
            if (c.valid() && head.status() != 200) {
                return new Outcome(String.valueOf(head.status()), "a valid header's request got " + head.startLine());
            }
            return Outcome.ok(String.valueOf(head.status()));
        }
    }

    /**
     * Whether the bytes hold a complete, valid header followed by no complete request (a length
     * grown to cover the request, say): then the connection waits for one, as any idle keep-alive
     * connection does, and silence is right.
     */
    private static boolean idleAfterAHeader(ProxyCase c) {
        ByteBuffer bytes = ByteBuffer.wrap(c.bytes());
        if (!(new ProxyHeaderParser().feed(bytes) instanceof ProxyHeaderParser.Done)) {
            return false;
        }
        String rest = StandardCharsets.ISO_8859_1.decode(bytes).toString();
        return !rest.contains("\r\n\r\n") && !c.halfClose();
    }

    /** What a fuzz run saw: cases that went wrong, and the proxy's stack traces. */
    private record Report(List<String> problems, List<String> stackTraces) {
        void assertClean() {
            assertAll(
                    () -> assertEquals(List.of(), problems.stream().limit(20).toList(),
                            problems.size() + " cases went wrong (seed " + SEED + ")"),
                    () -> assertEquals(List.of(), stackTraces, "log lines with a stack trace"));
        }
    }

    /**
     * Runs {@code count} cases against a proxy in front of {@code upstream} (and a WebSocket echo
     * backend), with canary requests alongside that must each get their own answer.
     *
     * @param proxyErrorsAreProblems whether a 5xx the proxy made itself counts as a problem
     */
    private static Report fuzz(URI upstream, int count, boolean proxyErrorsAreProblems) throws Exception {
        List<HostileRequests.Case> cases = new HostileRequests(SEED).cases(count);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<String> stackTraces;
        long started = System.nanoTime();
        try (LogCapture log = LogCapture.start()) {
            try (WsEchoBackend ws = WsEchoBackend.start();
                 Sluice proxy = Sluice.builder().limits(LIMITS)
                         .route("/wso/", new WebSocketConfig(true, Duration.ofHours(1), Duration.ofSeconds(30),
                                 List.of(HostileRequests.GOOD_ORIGIN), 10_000), ws.uri())
                         .route("/ws/", ws.uri())
                         .route("/", upstream)
                         .start()) {
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                AtomicBoolean fuzzing = new AtomicBoolean(true);
                try {
                    Future<List<String>> canaries = pool.submit(() -> canaries(proxy.port(), fuzzing));
                    List<Future<Outcome>> outcomes = new ArrayList<>();
                    for (HostileRequests.Case c : cases) {
                        outcomes.add(pool.submit(() -> run(proxy.port(), c, proxyErrorsAreProblems)));
                    }
                    for (int i = 0; i < cases.size(); i++) {
                        Outcome outcome = outcomes.get(i).get();
                        counts.merge(outcome.label(), 1, Integer::sum);
                        if (outcome.problem() != null) {
                            problems.add("case " + i + " [" + cases.get(i).mutations() + "] " + outcome.problem()
                                    + "\n    sent: " + cases.get(i).printable());
                        }
                    }
                    fuzzing.set(false);
                    problems.addAll(canaries.get());
                } finally {
                    pool.shutdownNow();
                }
                assertServesNormally(proxy);
            }
            stackTraces = log.stackTraces();
        }
        problems.forEach(System.out::println);
        System.out.printf("fuzz seed %d, %d cases in %d ms, outcomes (first answer's status, or how it ended): %s%n",
                SEED, cases.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), counts);
        // The backends log their own failures on their own threads (XNIO-*); the proxy's are named "sluice".
        return new Report(problems, stackTraces.stream().filter(trace -> !trace.startsWith("[XNIO-")).toList());
    }

    /** Sends canary requests, each on a new connection, while the fuzz runs: each must get the answer that names it. */
    private static List<String> canaries(int port, AtomicBoolean fuzzing) throws IOException {
        List<String> wrong = new ArrayList<>();
        int sent = 0;
        for (int n = 0; fuzzing.get() && n < MAX_CANARIES; n++) {
            String target = "/h/canary/" + n;
            try (RawPeer client = RawPeer.connect(port)) {
                client.write(RawHttp.request("GET", target, "Host: 127.0.0.1"));
                RawHttp.Response answer = client.readResponse();
                String expected = HostileBackend.finalFor(target);
                if (answer.status() == 200 && !answer.bodyText().equals(expected) && answer.bodyText().startsWith("final for")) {
                    wrong.add("canary " + target + " got another request's answer: " + answer.bodyText());
                }
            }
            sent = n + 1;
        }
        System.out.printf("%d canary requests, %d got another request's answer%n", sent, wrong.size());
        return wrong;
    }

    /** How one connection went (the first answer's status, or how it ended), and what was wrong with it, if anything. */
    private record Outcome(String label, String problem) {
        static Outcome ok(String label) {
            return new Outcome(label, null);
        }
    }

    private static Outcome run(int port, HostileRequests.Case c, boolean proxyErrorsAreProblems) throws IOException {
        try (RawPeer client = RawPeer.connect(port)) {
            client.socket().setSoTimeout((int) LIMIT.toMillis());
            try {
                client.write(c.bytes());
                if (c.halfClose()) {
                    client.shutdownOutput();
                }
            } catch (IOException e) {
                // The proxy closed while the bytes were still going out: it may still have answered.
            }
            if (c.end() != HostileRequests.ClientEnd.READ) {
                if (c.end() == HostileRequests.ClientEnd.RESET_ON_FIRST_BYTE) {
                    try {
                        client.in().read();
                    } catch (IOException e) {
                        // ended or silent; the reset below is all this client does either way
                    }
                }
                client.reset();
                return Outcome.ok("client reset");
            }
            RawHttp.Head head;
            try {
                head = client.readHeadOrNull();
            } catch (SocketTimeoutException e) {
                return new Outcome("silent", "no answer and no close within " + LIMIT.toMillis() + " ms");
            } catch (SocketException e) {
                return Outcome.ok("reset");
            } catch (IOException e) {
                return new Outcome("garbled", "an answer that is not an HTTP head: " + e.getMessage());
            }
            if (head == null) {
                return Outcome.ok("closed");
            }
            if (head.startLine().matches("HTTP/0\\.9 400( .*)?")) {
                // Undertow checks the Host header before any handler of ours runs, and says its 400
                // in the version the request named. Sluice refuses every other HTTP/0.9 request.
                return Outcome.ok("400 as HTTP/0.9");
            }
            if (!head.startLine().matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
                return new Outcome("garbled", "an answer that is not an HTTP/1.x response: " + head.startLine());
            }
            String answers = head.text();
            if (head.status() < 200 && head.status() != 101) {
                return new Outcome(String.valueOf(head.status()), "an interim answer reached the client as the final one: "
                        + head.startLine());
            }
            if (head.status() == 200 && head.has("Content-Length") && head.contentLength() < 1000) {
                // A HostileBackend's answer names its request: one that names no part of what was sent crossed over.
                String body;
                try {
                    body = new String(client.readExactly(head.contentLength()), StandardCharsets.ISO_8859_1);
                } catch (IOException noBody) {
                    return Outcome.ok("200"); // to HEAD, or cut by the client's own mutation
                }
                String named = body.startsWith("final for ") ? body.substring("final for ".length()) : null;
                if (named != null && !letters(new String(c.bytes(), StandardCharsets.ISO_8859_1)).contains(letters(named.split("\\?")[0]))) {
                    return new Outcome("200", "another request's answer: " + body);
                }
            } else if (head.status() >= 500) {
                try {
                    answers += new String(client.readExactly(head.contentLength()), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return new Outcome(String.valueOf(head.status()), "a " + head.status() + " whose body did not come ("
                            + e + ")\n    got: " + answers.trim());
                }
            } else if (c.halfClose() && head.status() != 101) {
                answers += rest(client);
            }
            List<String> fromProxy = proxyServerErrors(answers);
            String label = head.status() >= 500 && head.status() != 501 && fromProxy.isEmpty()
                    ? head.status() + " from a backend" : String.valueOf(head.status());
            return new Outcome(label, fromProxy.isEmpty() || !proxyErrorsAreProblems ? null
                    : "the proxy answered " + fromProxy + "\n    got: " + answers.trim());
        }
    }

    /** A path without its slashes and dots, which the proxy normalises (/a/./b, //x). */
    private static String letters(String path) {
        return path.replace("/", "").replace(".", "");
    }

    /** After a FIN the proxy answers what it has and closes: everything behind the first answer's head. */
    private static String rest(RawPeer client) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = client.in().read(buffer)) >= 0; ) {
                rest.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the end, or still open after the limit; either way these are all the answers there are
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * The 5xx statuses among these answers that the proxy made itself: its error pages end with
     * a "request id:" line. A backend's own 5xx (Undertow's WebSocket handshake handler answers
     * 500 to a handshake that lost its Upgrade header on the way) is relayed, not the proxy's.
     */
    private static List<String> proxyServerErrors(String answers) {
        List<String> errors = new ArrayList<>();
        Matcher matcher = STATUS_LINE.matcher(answers);
        List<int[]> starts = new ArrayList<>();
        while (matcher.find()) {
            starts.add(new int[]{matcher.start(), Integer.parseInt(matcher.group(1))});
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : answers.length();
            // 501 refuses a transfer coding the proxy cannot forward (as nginx does): the client's doing.
            if (starts.get(i)[1] >= 500 && starts.get(i)[1] != 501 && answers.substring(starts.get(i)[0], end).contains("\nrequest id: ")) {
                errors.add(String.valueOf(starts.get(i)[1]));
            }
        }
        return errors;
    }

    private static void assertServesNormally(Sluice proxy) throws Exception {
        HttpResponse<String> response = HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/after"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().equals("ok") || response.body().equals(HostileBackend.finalFor("/after")), response.body());
        WsWire.Answer answer = WsWire.open(proxy.port(), "/ws/after");
        try (RawPeer tunnel = answer.peer()) {
            assertEquals(101, answer.status(), answer.head().text());
            tunnel.write(WsWire.clientText("still here"));
            assertEquals("still here", tunnel.readFrame().text());
        }
    }
}
