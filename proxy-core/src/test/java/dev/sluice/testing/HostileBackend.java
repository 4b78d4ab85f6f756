package dev.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A keep-alive HTTP/1.1 upstream that misbehaves as real servers do, on a {@link RawBackend}.
 * Every ordinary answer names its request, {@code final for <target>}, so a test can prove that
 * no answer reached another request. The request's target picks the misbehaviour:
 * <ul>
 * <li>{@code /h/hints}: {@code 103 Early Hints} before the answer (Tomcat's {@code sendEarlyHints});
 *     {@code /h/processing}: {@code 102 Processing} (WebDAV); {@code /h/interims}: 102, 103 and
 *     103 again, each in a write of its own; {@code /h/interim-101}: a 103 before the 101 that
 *     answers a WebSocket handshake (the tunnel then echoes).</li>
 * <li>{@code /h/304} and {@code /h/204}: a 304 or 204 that carries {@code Content-Length: 5}
 *     and, as the RFC says, no body.</li>
 * <li>{@code /h/early}: answers before it reads the request body (then reads it).</li>
 * <li>{@code /h/stray}: answers, then once {@link #sendStray()} says so sends an answer nobody
 *     asked for on the same connection.</li>
 * <li>{@code /h/close-mid-upload}: answers 200 with {@code Connection: close} after the head,
 *     and reads no more requests (what comes is read until the proxy closes).</li>
 * <li>{@code /h/hang-up-mid-upload}: closes at once after the head, without a word.</li>
 * <li>A request with an {@code Expect} other than {@code 100-continue} gets 417 at once, and
 *     what follows its head is read as a new request, as Node's HTTP server does.</li>
 * <li>Anything else: {@code 200 final for <target>}. HEAD gets the head of that, no body.</li>
 * </ul>
 */
public final class HostileBackend implements AutoCloseable {
    private final RawBackend backend = RawBackend.start(this::serve);
    private final CompletableFuture<Void> stray = new CompletableFuture<>();

    public static HostileBackend start() {
        return new HostileBackend();
    }

    public URI uri() {
        return backend.uri();
    }

    /** Request heads read so far, in arrival order. */
    public List<RawHttp.Head> heads() {
        return backend.heads();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return backend.connections();
    }

    /** Lets a {@code /h/stray} connection send its unasked answer. */
    public void sendStray() {
        stray.complete(null);
    }

    /** What went wrong inside the backend (a broken script shows up here). */
    public List<Throwable> failures() {
        return backend.failures();
    }

    /** The answer every ordinary request gets: it names the request. */
    public static String finalFor(String target) {
        return "final for " + target;
    }

    private void serve(RawPeer peer, RawHttp.Head first) throws Exception {
        RawHttp.Head head = first;
        while (head != null && answer(peer, head)) {
            head = peer.readHeadOrNull();
        }
    }

    /** Answers one request; false when the connection is done. */
    private boolean answer(RawPeer peer, RawHttp.Head head) throws Exception {
        String target = head.target();
        String expect = head.header("Expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            peer.write("HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n");
            return true; // the body, if any, is read as the next request
        }
        switch (target) {
            case "/h/hints" -> {
                readBody(peer, head);
                peer.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n");
                peer.write(ordinary(target));
            }
            case "/h/processing" -> {
                readBody(peer, head);
                peer.write("HTTP/1.1 102 Processing\r\n\r\n");
                peer.write(ordinary(target));
            }
            case "/h/interims" -> {
                readBody(peer, head);
                peer.write("HTTP/1.1 102 Processing\r\n\r\n");
                peer.write("HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n");
                peer.write("HTTP/1.1 103 Early Hints\r\nLink: </b.js>; rel=preload\r\n\r\n" + ordinary(target));
            }
            case "/h/interim-101" -> {
                peer.write("HTTP/1.1 103 Early Hints\r\nLink: </ws.js>; rel=preload\r\n\r\n");
                peer.write(WsWire.switchingProtocols(head.requireHeader("Sec-WebSocket-Key")));
                echoFrames(peer);
                return false;
            }
            case "/h/304" -> {
                readBody(peer, head);
                peer.write("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 5\r\n\r\n");
            }
            case "/h/204" -> {
                readBody(peer, head);
                peer.write("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
            }
            case "/h/early" -> {
                peer.write(ordinary(target));
                readBody(peer, head);
            }
            case "/h/stray" -> {
                readBody(peer, head);
                peer.write(ordinary(target));
                stray.get(10, TimeUnit.SECONDS);
                peer.write(ordinary("nobody"));
            }
            case "/h/close-mid-upload" -> {
                String body = "upload refused early";
                peer.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                return false;
            }
            case "/h/hang-up-mid-upload" -> {
                peer.socket().close(); // at once, whatever is unread: a reset
                return false;
            }
            default -> {
                readBody(peer, head);
                peer.write(head.method().equals("HEAD") ? headOnly(target) : ordinary(target));
            }
        }
        return true;
    }

    private static String ordinary(String target) {
        String body = finalFor(target);
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
    }

    private static String headOnly(String target) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + finalFor(target).length() + "\r\n\r\n";
    }

    private static void readBody(RawPeer peer, RawHttp.Head head) throws IOException {
        String transferEncoding = head.header("Transfer-Encoding");
        if (head.has("Content-Length") || transferEncoding != null
                && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            try (InputStream body = peer.requestBody(head)) {
                body.transferTo(OutputStreamSink.INSTANCE);
            }
        }
    }

    /** Echoes WebSocket frames unmasked until the connection ends. */
    private static void echoFrames(RawPeer peer) throws IOException {
        while (true) {
            WsWire.Frame frame;
            try {
                frame = peer.readFrame();
            } catch (IOException end) {
                return;
            }
            peer.write(WsWire.serverFrame(frame.opcode(), frame.payload()));
            if (frame.opcode() == WsWire.CLOSE) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stray.complete(null);
        backend.close();
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
            // discarded
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // discarded
        }
    }
}
