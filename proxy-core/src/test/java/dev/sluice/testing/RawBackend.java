package dev.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a bare {@link ServerSocket} (127.0.0.1, port 0) for tests where every byte and
 * every connection counts. It counts the connections it accepts and serves each on a thread of
 * its own, which reads and records the request head (a connection closed before any byte is
 * only counted) and then, in one of two modes:
 * <ul>
 * <li>{@link #start(Script)} runs the test's script on the connection. Every byte received is
 *     recorded at the socket, before any buffering, so a test can prove what never arrived.
 *     When the script returns, the connection is read until the peer closes (at most
 *     {@link #DRAIN}, still recording) and then closed; {@link #nextConnectionEnd} tells how it
 *     ended.</li>
 * <li>{@link #webSocket()} answers every WebSocket handshake with a correct 101 and hands the
 *     connection, open and unread, to the test through {@link #takePeer()}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (RawBackend backend = RawBackend.start((peer, head) ->
 *         peer.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))) {
 *     ... backend.uri(), backend.connections(), backend.heads() ...
 * }
 * try (RawBackend backend = RawBackend.webSocket()) {
 *     ... open a tunnel through the proxy ...
 *     RawPeer upstreamSide = backend.takePeer();   // then script it: read, write, reset ...
 * }
 * }</pre>
 */
public final class RawBackend implements AutoCloseable {
    /** How long a finished script's connection waits for the peer to close. */
    public static final Duration DRAIN = Duration.ofSeconds(3);
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(5);

    /** What the backend does with a connection once its request head is read. */
    @FunctionalInterface
    public interface Script {
        void run(RawPeer peer, RawHttp.Head head) throws Exception;
    }

    /** How a scripted connection ended: every byte received on it, and whether the peer closed it first. */
    public record Ended(byte[] received, boolean peerClosed) {
        public String receivedText() {
            return new String(received, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final int bufferSize;
    /** Null in WebSocket mode. */
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<RawHttp.Head> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RawPeer> upgraded = new LinkedBlockingQueue<>();
    private final BlockingQueue<CompletableFuture<Ended>> ends = new LinkedBlockingQueue<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private RawBackend(int bufferSize, Script script) {
        this(InetAddress.getLoopbackAddress(), bufferSize, script);
    }

    private RawBackend(InetAddress bindTo, int bufferSize, Script script) {
        this.bufferSize = bufferSize;
        this.script = script;
        try {
            this.server = new ServerSocket();
            if (bufferSize > 0) {
                server.setReceiveBufferSize(bufferSize); // inherited by accepted sockets; must precede bind
            }
            server.bind(new InetSocketAddress(bindTo, 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the raw backend", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "raw-backend-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Runs {@code script} on every connection after reading and recording its head. */
    public static RawBackend start(Script script) {
        return new RawBackend(0, script);
    }

    /** The same on another local address than 127.0.0.1, e.g. {@code ::1}. */
    public static RawBackend start(InetAddress bindTo, Script script) {
        return new RawBackend(bindTo, 0, script);
    }

    /** Answers every WebSocket handshake with a correct 101 and queues the connection for {@link #takePeer}. */
    public static RawBackend webSocket() {
        return webSocket(0);
    }

    /** The same with its sockets' buffers fixed at {@code bufferSize} bytes (0: defaults). */
    public static RawBackend webSocket(int bufferSize) {
        return new RawBackend(bufferSize, null);
    }

    /** The WebSocket backend on another local address than 127.0.0.1, e.g. {@code ::1}. */
    public static RawBackend webSocket(InetAddress bindTo) {
        return new RawBackend(bindTo, 0, null);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port} (or {@code http://[::1]:port}), the form a Sluice upstream takes. */
    public URI uri() {
        String host = server.getInetAddress().getHostAddress();
        return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port());
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Every request head read so far, in arrival order. */
    public List<RawHttp.Head> heads() {
        return List.copyOf(heads);
    }

    /** Request heads read so far. */
    public int requests() {
        return heads.size();
    }

    /** The oldest upgraded connection not yet taken; an AssertionError when none comes within 5 seconds. */
    public RawPeer takePeer() throws InterruptedException {
        RawPeer peer = upgraded.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (peer == null) {
            throw new AssertionError("backend on port " + port() + " got no WebSocket connection within "
                    + TAKE_TIMEOUT + " (accepted " + connections() + ", heads " + heads + ", failures " + failures + ")");
        }
        return peer;
    }

    /**
     * How the next accepted connection ends, in accept order; completes once its script and drain
     * are over and the socket is closed. An AssertionError when no connection comes within {@code timeout}.
     */
    public CompletableFuture<Ended> nextConnectionEnd(Duration timeout) throws InterruptedException {
        CompletableFuture<Ended> end = ends.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (end == null) {
            throw new AssertionError("raw backend on port " + port() + " got no connection within " + timeout);
        }
        return end;
    }

    /** What went wrong inside the backend while it was open (a script's failed assertion shows up here). */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.add(e);
                }
                return;
            }
            connections.incrementAndGet();
            sockets.add(socket);
            CompletableFuture<Ended> end = new CompletableFuture<>();
            ends.add(end);
            Thread worker = new Thread(() -> serve(socket, end), "raw-backend-conn-" + socket.getPort());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(Socket socket, CompletableFuture<Ended> end) {
        RawPeer peer = null;
        boolean handedOver = false;
        boolean closedInDrain = false;
        try {
            if (bufferSize > 0) {
                socket.setSendBufferSize(bufferSize);
            }
            peer = script == null ? RawPeer.accepted(socket) : RawPeer.recording(socket);
            RawHttp.Head head = peer.readHeadOrNull();
            if (head == null) {
                return; // connected and closed without a request: only counted
            }
            heads.add(head);
            if (script == null) {
                handedOver = answerHandshake(peer, head);
            } else {
                script.run(peer, head);
                closedInDrain = drain(peer);
            }
        } catch (Exception | Error e) {
            if (!server.isClosed()) {
                failures.add(e);
            }
        } finally {
            if (!handedOver) {
                closeQuietly(socket);
                boolean recorded = peer != null && script != null;
                end.complete(new Ended(recorded ? peer.received() : new byte[0],
                        closedInDrain || (recorded && peer.sawEof())));
            }
        }
    }

    /**
     * Reads until the peer closes or DRAIN passes, so that anything sent later is still recorded.
     * True when the peer reset the connection meanwhile (an EOF the recording notes itself).
     */
    private static boolean drain(RawPeer peer) throws IOException {
        if (peer.socket().isClosed() || peer.sawEof()) {
            return false;
        }
        peer.socket().setSoTimeout((int) DRAIN.toMillis());
        byte[] sink = new byte[8192];
        try {
            while (peer.in().read(sink) >= 0) {
                // only recorded
            }
        } catch (SocketTimeoutException stillOpen) {
            // the peer kept the connection open; Ended.peerClosed says so
        } catch (SocketException reset) {
            return true;
        }
        return false;
    }

    /** Answers a handshake with a correct 101 (true: the test now owns the connection) or a 400 without a key. */
    private boolean answerHandshake(RawPeer peer, RawHttp.Head head) throws IOException {
        String key = head.header("Sec-WebSocket-Key");
        if (key == null) {
            peer.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return false;
        }
        peer.write(WsWire.switchingProtocols(key));
        upgraded.add(peer);
        return true;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the acceptor ends either way
        }
        sockets.forEach(RawBackend::closeQuietly);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
