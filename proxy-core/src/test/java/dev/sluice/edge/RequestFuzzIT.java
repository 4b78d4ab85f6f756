package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.HostileBackend;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
