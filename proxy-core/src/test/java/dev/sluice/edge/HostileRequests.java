package dev.sluice.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Request heads and WebSocket handshakes as an attacker would write them, from a seed: a
 * well-formed request (GET, POST with a length or chunked, a handshake), one to three mutations
 * on its structure (framing, methods, versions, targets, header lines, handshake fields, what
 * follows it), then sometimes a few raw bytes flipped. The same seed gives the same cases.
 */
final class HostileRequests {
    /** Routes the proxy under test has: any origin on /ws/, only {@link #GOOD_ORIGIN} on /wso/. */
    static final String GOOD_ORIGIN = "https://good.example";

    /**
     * One connection's worth of bytes.
     *
     * @param halfClose whether the client sends a FIN after the bytes: always when the bytes
     *                  declare a body (Content-Length, Transfer-Encoding), which may be shorter
     *                  than declared and would be waited for; otherwise the connection stays
     *                  open, so a proxy that holds an answer back is caught
     * @param end       how the client leaves: reads the answer, or resets the connection at once
     *                  or on the answer's first byte (an attacker does not wait)
     */
    record Case(String mutations, byte[] bytes, boolean halfClose, ClientEnd end) {
        String printable() {
            StringBuilder out = new StringBuilder();
            for (byte b : bytes.length > 600 ? Arrays.copyOf(bytes, 600) : bytes) {
                int c = b & 0xFF;
                if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c < 0x20 || c >= 0x7F) {
                    out.append(String.format("\\x%02x", c));
                } else {
                    out.append((char) c);
                }
            }
            return out + (bytes.length > 600 ? "... (" + bytes.length + " bytes)" : "");
        }
    }

    /** Seeded in the constructor; made here so that the mutations below may use it. */
    private final Random random = new Random();

    HostileRequests(long seed) {
        random.setSeed(seed);
    }

    List<Case> cases(int count) {
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cases.add(next());
        }
        return cases;
    }

    private Case next() {
        Draft draft = switch (random.nextInt(5)) {
            case 0, 1 -> get();
            case 2 -> random.nextBoolean() ? postWithLength() : postChunked();
            default -> handshake();
        };
        List<String> names = new ArrayList<>();
        names.add(draft.base);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            Mutation mutation = pick(draft.handshake ? forHandshakes : forRequests);
            mutation.apply().accept(draft);
            names.add(mutation.name());
        }
        byte[] bytes = draft.bytes(random);
        if (random.nextInt(12) == 0) {
            flipBytes(bytes);
            names.add("flip");
        }
        boolean truncated = false;
        if (random.nextInt(25) == 0) {
            // at least one byte: a connection that says nothing at all is idle, not slow
            bytes = Arrays.copyOf(bytes, 1 + random.nextInt(Math.max(1, bytes.length - 1)));
            names.add("truncate");
            truncated = true;
        }
        String lower = new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        boolean declaresBody = lower.contains("content-length") || lower.contains("transfer-encoding");
        boolean halfClose = declaresBody || (truncated && random.nextInt(3) > 0);
        ClientEnd end = switch (random.nextInt(20)) {
            case 0 -> ClientEnd.RESET_AT_ONCE;
            case 1 -> ClientEnd.RESET_ON_FIRST_BYTE;
            default -> ClientEnd.READ;
        };
        if (end != ClientEnd.READ) {
            names.add(end.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return new Case(String.join("+", names), bytes, halfClose, end);
    }

    // ---- well-formed starting points ----

    private Draft get() {
        Draft d = new Draft("get");
        // The /h/ targets make a HostileBackend misbehave (1xx first, bodiless answers with a length).
        d.target = pick("/", "/a/b?c=d", "/index.html", "/api/items/42", "/h/hints", "/h/interims", "/h/304", "/h/204");
        d.headers.add("Host: 127.0.0.1");
        d.headers.add("User-Agent: fuzz");
        d.headers.add("Accept: */*");
        return d;
    }

    private Draft postWithLength() {
        Draft d = new Draft("post-length");
        d.method = "POST";
        d.target = pick("/upload", "/h/processing", "/h/early", "/h/close-mid-upload", "/h/hang-up-mid-upload");
        d.body = "a".repeat(random.nextInt(64));
        d.headers.add("Host: 127.0.0.1");
        d.headers.add("Content-Type: text/plain");
        d.headers.add("Content-Length: " + d.body.length());
        return d;
    }

    private Draft postChunked() {
        Draft d = new Draft("post-chunked");
        d.method = "POST";
        d.target = pick("/upload", "/h/early", "/h/close-mid-upload");
        d.headers.add("Host: 127.0.0.1");
        d.headers.add("Transfer-Encoding: chunked");
        d.body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        return d;
    }

    private Draft handshake() {
        Draft d = new Draft("handshake");
        d.handshake = true;
        d.target = pick("/ws/chat", "/wso/chat");
        d.headers.add("Host: 127.0.0.1");
        d.headers.add("Upgrade: websocket");
        d.headers.add("Connection: Upgrade");
        d.headers.add("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        d.headers.add("Sec-WebSocket-Version: 13");
        d.headers.add("Origin: " + GOOD_ORIGIN);
        return d;
    }

    // ---- mutations ----

    private record Mutation(String name, Consumer<Draft> apply) {
    }

    /** What the client does once its bytes are out. */
    enum ClientEnd {
        READ, RESET_AT_ONCE, RESET_ON_FIRST_BYTE
    }

    private final List<Mutation> framingMutations = List.of(
            new Mutation("cl-duplicate", d -> d.headers.add("Content-Length: " + pick(String.valueOf(d.body.length()), "0", "7", "1000"))),
            new Mutation("cl-huge", d -> d.setHeader("Content-Length", pick("9223372036854775807", "9223372036854775808",
                    "18446744073709551616", "18446744073709551617", "99999999999999999999999999", "10485761", "2147483648"))),
            new Mutation("cl-negative", d -> d.setHeader("Content-Length", pick("-1", "-0", "-9223372036854775808", "-18446744073709551616"))),
            new Mutation("cl-garbage", d -> d.setHeader("Content-Length", pick("abc", "1e3", "0x10", "+5", "", " ", "5 5", "5,5", "5, 5",
                    "\u0663", "5\t", "05", "0000000000000000000000000000003"))),
            new Mutation("te-variant", d -> d.setHeader("Transfer-Encoding", pick("chunked", "Chunked", "CHUNKED", "chunked, identity",
                    "identity", "gzip, chunked", "chunked, gzip", "xchunked", "chunked;q=1", "chunk", "identity, chunked", "",
                    "chunked\u000b"))),
            new Mutation("te-duplicate", d -> {
                d.headers.add("Transfer-Encoding: chunked");
                d.headers.add("Transfer-Encoding: " + pick("chunked", "identity", "gzip"));
            }),
            new Mutation("cl-and-te", d -> {
                d.setHeader("Content-Length", String.valueOf(d.body.length()));
                d.headers.add("Transfer-Encoding: chunked");
            }),
            new Mutation("chunk-size-bad", d -> {
                d.setHeader("Transfer-Encoding", "chunked");
                d.body = pick("zz\r\nhello\r\n0\r\n\r\n", "-1\r\nx\r\n0\r\n\r\n", "ffffffffffffffffffff\r\nx\r\n0\r\n\r\n",
                        "5;ext=1\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n", "0x5\r\nhello\r\n0\r\n\r\n",
                        " 5\r\nhello\r\n0\r\n\r\n", "5\nhello\n0\n\n", "7fffffffffffffff\r\nabc", "3\r\nhello\r\n0\r\n\r\n",
                        "5\r\nhel\r\n0\r\n\r\n", "5\r\nhello0\r\n\r\n", "0\r\nX-Trailer: a\r\n\r\n", "0\r\nX-Trailer: \u0000\r\n\r\n",
                        "5;" + "e".repeat(9000) + "\r\nhello\r\n0\r\n\r\n", "\r\n");
            }),
            new Mutation("expect-continue", d -> d.headers.add("Expect: " + pick("100-continue", "100-Continue", "200-ok",
                    "bogus", "", "100-continue, bogus"))),
            new Mutation("host-twice-huge-length", d -> {
                d.headers.add("Host: " + pick("127.0.0.1", "other.example"));
                d.setHeader("Content-Length", pick("4294967296", "10485761", "9223372036854775807"));
            }));

    private final List<Mutation> byteMutations = List.of(
            new Mutation("nul", d -> d.insertIntoHead("\u0000")),
            new Mutation("control", d -> d.insertIntoHead(pick("\u0001", "\u0002", "\b", "\u000b", "\f", "\u001b", "\u001f", "\u007f"))),
            new Mutation("high-bytes", d -> d.headers.add("X-Name: caf\u00e9 \u00ff\u0080")),
            new Mutation("obs-fold", d -> {
                int at = random.nextInt(d.headers.size() + 1);
                d.headers.add(at, pick("X-Folded: one", "Content-Length: 0", "Host: 127.0.0.1", "Transfer-Encoding: chunked"));
                d.headers.add(at + 1, pick(" two", "\tthree", " ", " chunked"));
            }),
            new Mutation("long-line", d -> {
                int size = 8 * 1024 + random.nextInt(40 * 1024);
                if (random.nextBoolean()) {
                    d.headers.add("X-Long: " + "v".repeat(size));
                } else {
                    d.target = d.target + "?q=" + "q".repeat(size);
                }
            }),
            new Mutation("many-headers", d -> {
                // Up to 150: with the proxy's X-Forwarded-* and X-Request-Id the backend must still
                // take the request (Undertow's limit is 200 fields). A backend refusing a request
                // while its body is still on the way is not what this run is about.
                d.headers.removeIf(line -> line.startsWith("X-H"));
                int count = 50 + random.nextInt(100);
                for (int i = 0; i < count; i++) {
                    d.headers.add("X-H" + i + ": " + i);
                }
            }),
            new Mutation("bare-lf", d -> d.eol = "\n"),
            new Mutation("cr-only", d -> d.eol = pick("\r", "\n\r", "\r\r\n")));

    private final List<Mutation> requestLineMutations = List.of(
            new Mutation("bad-method", d -> d.method = pick("G ET", "", "get", "GET\t", "\u00ffGET", "PRI", "CONNECT", "TRACE",
                    "OPTIONS", "M".repeat(40), "GET,", "PROPFIND", "\u0000GET", "HEAD", "DELETE", "PATCH", "BREW")),
            new Mutation("bad-version", d -> d.version = pick("HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/1.1 x", "http/1.1", "HTTP/11",
                    "", "HTTP/1.10", "HTTP/1.0", "HTTP/1", "HTTPS/1.1", "HTTP/1.1\u0000")),
            new Mutation("odd-target", d -> d.target = pick("http://127.0.0.1/a", "http://evil.example:80/a", "https://x/", "*",
                    "//double//slash", "x:80", "/a/../../etc/passwd", "/%2e%2e/%2e%2e/", "/a%2Fb", "/%00", "/a%5cb", "/a/./b/",
                    "/%zz", "/%", "/\u00e9", "/a?b=%00", "/?" + "&x".repeat(2000), "/;jsessionid=1", "/a/%2e%2e%2fb", "/..",
                    "/a//b", "http://x", "/#frag", "/a b", "/ws/../admin", "/%2e%2e%2f%2e%2e%2fetc", "/a\\b", "/a?b c",
                    "/%c0%ae%c0%ae/", "", " /")),
            new Mutation("host-odd", d -> {
                d.removeHeader("Host");
                switch (random.nextInt(7)) {
                    case 0 -> { }
                    case 1 -> {
                        d.headers.add("Host: 127.0.0.1");
                        d.headers.add("Host: evil.example");
                    }
                    case 2 -> d.headers.add("Host: evil.example:99999");
                    case 3 -> d.headers.add("Host: a b");
                    case 4 -> d.headers.add("Host: ");
                    case 5 -> d.headers.add("Host: [::1");
                    default -> d.headers.add("Host: x/y");
                }
            }),
            new Mutation("header-name-odd", d -> d.headers.add(random.nextInt(d.headers.size() + 1),
                    pick("X A: b", ": novalue", "X-A : b", "X-A:b", "X-\u00e9: b", "X-A", "Content-Length : 5", "Host : x",
                            "Transfer-Encoding : chunked", "X-A:: b", "\tX-A: b", " Host: y"))),
            new Mutation("hop-by-hop", d -> d.headers.add(pick("Connection: close, X-Foo", "Connection: keep-alive, Upgrade",
                    "Upgrade: h2c", "Proxy-Connection: keep-alive", "TE: trailers", "Keep-Alive: timeout=5",
                    "Connection: Content-Length", "Connection: Host", "Connection: X-Request-Id"))),
            new Mutation("bytes-after-bodyless-head", d -> {
                d.removeHeader("Content-Length");
                d.removeHeader("Transfer-Encoding");
                d.body = "";
                d.after = pick("xyz", "GET /x HT", "\u0000\u0000\u0000", "POST", "hello world", "\r\n\r\nxyz", "G");
            }),
            new Mutation("pipelined", d -> {
                int more = 1 + random.nextInt(3);
                StringBuilder after = new StringBuilder(d.after);
                for (int i = 0; i < more; i++) {
                    after.append(pick("", "\r\n")).append("GET /next/").append(i).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                }
                d.after = after.toString();
            }),
            new Mutation("stray-crlf", d -> d.after = d.after + pick("\r\n", "\r\n\r\n", "\n", "\r\n\r\n\r\n\r\n")));

    private final List<Mutation> handshakeMutations = List.of(
            new Mutation("ws-key", d -> {
                d.removeHeader("Sec-WebSocket-Key");
                switch (random.nextInt(6)) {
                    case 0 -> { }
                    case 1 -> d.headers.add("Sec-WebSocket-Key: short");
                    case 2 -> d.headers.add("Sec-WebSocket-Key: not base64!!!!!!!!!!!!!");
                    case 3 -> {
                        d.headers.add("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
                        d.headers.add("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==");
                    }
                    case 4 -> d.headers.add("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAA");
                    default -> d.headers.add("Sec-WebSocket-Key: " + "A".repeat(5000));
                }
            }),
            new Mutation("ws-version", d -> {
                d.removeHeader("Sec-WebSocket-Version");
                String version = pick(null, "8", "13, 8", "14", "", "0x0d", "99999999999999999999");
                if (version != null) {
                    d.headers.add("Sec-WebSocket-Version: " + version);
                }
            }),
            new Mutation("ws-origin", d -> {
                d.removeHeader("Origin");
                String origin = pick(null, "null", "https://evil.example", GOOD_ORIGIN + ".evil", GOOD_ORIGIN + "\u0000",
                        "h".repeat(9000), GOOD_ORIGIN + ", https://evil.example");
                if (origin != null) {
                    d.headers.add("Origin: " + origin);
                }
                if (random.nextInt(4) == 0) {
                    d.headers.add("Origin: " + GOOD_ORIGIN);
                }
            }),
            new Mutation("ws-upgrade", d -> {
                switch (random.nextInt(6)) {
                    case 0 -> d.setHeader("Upgrade", "websocket2");
                    case 1 -> d.setHeader("Upgrade", "WebSocket");
                    case 2 -> d.setHeader("Upgrade", "websocket, h2c");
                    case 3 -> d.removeHeader("Upgrade");
                    case 4 -> d.setHeader("Connection", "keep-alive");
                    default -> d.setHeader("Connection", "Upgrade, close");
                }
            }),
            new Mutation("ws-method", d -> {
                if (random.nextBoolean()) {
                    d.method = pick("POST", "HEAD", "PUT", "OPTIONS");
                } else {
                    d.version = "HTTP/1.0";
                }
            }),
            new Mutation("ws-body", d -> {
                d.body = "hello";
                if (random.nextBoolean()) {
                    d.headers.add("Content-Length: 5");
                } else {
                    d.headers.add("Transfer-Encoding: chunked");
                    d.body = "5\r\nhello\r\n0\r\n\r\n";
                }
            }),
            new Mutation("ws-early-bytes", d -> d.after = pick(
                    // a masked text frame "hi", an unmasked one, a half frame, a pipelined GET, noise
                    "\u0081\u0082\u0001\u0002\u0003\u0004\u0069\u006b", "\u0081\u0002hi", "\u0081",
                    "GET /secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "\u0000\u00ff\u0000\u00ff")),
            new Mutation("ws-protocol", d -> d.headers.add("Sec-WebSocket-Protocol: " + pick("chat", "chat, superchat",
                    "", ",,,", "p".repeat(9000), "chat\u0001"))),
            new Mutation("ws-extensions", d -> d.headers.add("Sec-WebSocket-Extensions: " + pick("permessage-deflate",
                    "permessage-deflate; client_max_window_bits=99", "x-unknown", ";;;"))));

    private final List<Mutation> forRequests = concat(framingMutations, byteMutations, requestLineMutations);
    /** Handshake fields twice over, so that about half of a handshake's mutations are its own. */
    private final List<Mutation> forHandshakes = concat(handshakeMutations, handshakeMutations, framingMutations,
            byteMutations, requestLineMutations);

    @SafeVarargs
    private static List<Mutation> concat(List<Mutation>... lists) {
        List<Mutation> all = new ArrayList<>();
        for (List<Mutation> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    private void flipBytes(byte[] bytes) {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && bytes.length > 0; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A request under construction; text is ISO-8859-1, so each char is one byte on the wire. */
    private static final class Draft {
        final String base;
        boolean handshake;
        String method = "GET";
        String target = "/";
        String version = "HTTP/1.1";
        final List<String> headers = new ArrayList<>();
        String eol = "\r\n";
        String body = "";
        String after = "";
        /** A character to insert somewhere in the head, or null. */
        String insert;

        Draft(String base) {
            this.base = base;
        }

        void setHeader(String name, String value) {
            removeHeader(name);
            headers.add(name + ": " + value);
        }

        void removeHeader(String name) {
            headers.removeIf(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1));
        }

        void insertIntoHead(String character) {
            insert = character;
        }

        byte[] bytes(Random random) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version).append(eol);
            for (String line : headers) {
                head.append(line).append(eol);
            }
            head.append(eol);
            if (insert != null) {
                head.insert(random.nextInt(head.length()), insert);
            }
            return (head + body + after).getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
