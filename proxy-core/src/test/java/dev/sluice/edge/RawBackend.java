package dev.sluice.edge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a bare {@link ServerSocket} (127.0.0.1, port 0) for tests where every byte and
 * every connection counts: it counts the connections it accepts, reads and records each request
 * head, and then hands the connection to the test's {@link Script}, one thread per connection.
 *
 * <pre>{@code
 * try (RawBackend backend = RawBackend.webSocket()) {   // answers every handshake with a valid 101
 *     ... open a tunnel through the proxy ...
 *     RawPeer upstreamSide = backend.takePeer();        // then script it: read, write, reset ...
 * }
 * }</pre>
 */
final class RawBackend implements AutoCloseable {
    private static final long TAKE_TIMEOUT_SECONDS = 5;

    /** What the backend does with a connection once its request head is read. */
    @FunctionalInterface
    interface Script {
        void run(RawPeer peer, String head) throws Exception;
    }

    private final ServerSocket server;
    private final int bufferSize;
    private final Script script;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "raw-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<RawPeer> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RawPeer> peers = new LinkedBlockingQueue<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private RawBackend(int bufferSize, Script script) throws IOException {
        this.bufferSize = bufferSize;
        this.script = script;
        this.server = new ServerSocket();
        if (bufferSize > 0) {
            server.setReceiveBufferSize(bufferSize); // inherited by accepted sockets; must precede bind
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        threads.execute(this::acceptLoop);
    }

    /** Runs {@code script} on every connection after recording its head. */
    static RawBackend start(Script script) throws IOException {
        return new RawBackend(0, script);
    }

    /** Answers every WebSocket handshake with a correct 101 and queues the connection for {@link #takePeer}. */
    static RawBackend webSocket() throws IOException {
        return webSocket(0);
    }

    /** The same with its sockets' buffers fixed at {@code bufferSize} bytes (0: defaults). */
    static RawBackend webSocket(int bufferSize) throws IOException {
        return new RawBackend(bufferSize, null);
    }

    int port() {
        return server.getLocalPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** TCP connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Every request head read so far, in arrival order. */
    List<String> heads() {
        return List.copyOf(heads);
    }

    /** The oldest upgraded connection not yet taken; fails when none comes within 5 seconds. */
    RawPeer takePeer() throws InterruptedException {
        RawPeer peer = peers.poll(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (peer == null) {
            throw new AssertionError("backend on port " + port() + " got no WebSocket connection within "
                    + TAKE_TIMEOUT_SECONDS + " s (accepted " + accepted() + ", heads " + heads + ", failures " + failures + ")");
        }
        return peer;
    }

    /** What went wrong inside the backend (a test can assert it stayed healthy). */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            threads.execute(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try {
            if (bufferSize > 0) {
                socket.setSendBufferSize(bufferSize);
            }
            RawPeer peer = new RawPeer(socket);
            connections.add(peer);
            String head = peer.readHeadOrNull();
            if (head == null) {
                return; // connected and closed without a request: nothing to record
            }
            heads.add(head);
            if (script != null) {
                script.run(peer, head);
            } else {
                answerHandshake(peer, head);
            }
        } catch (Exception | Error e) {
            if (!server.isClosed()) {
                failures.add(e);
            }
        }
    }

    private void answerHandshake(RawPeer peer, String head) throws IOException {
        String key = HttpHead.headers(head).get("Sec-WebSocket-Key");
        if (key == null) {
            peer.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            peer.close();
            return;
        }
        peer.write(WebSocketHandshake.switchingProtocols(key));
        peers.add(peer);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing left to release
        }
        for (RawPeer peer : connections) {
            try {
                peer.close();
            } catch (IOException e) {
                // already gone
            }
        }
        threads.shutdownNow();
    }
}
