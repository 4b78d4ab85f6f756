package dev.sluice.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
 * A scripted TCP backend on 127.0.0.1:0 for tests that need exact bytes: each accepted
 * connection runs the script on its own thread; every byte the backend receives is recorded
 * at the socket (before any buffering), so a test can prove what never arrived. After the
 * script returns, the connection is drained until the peer closes (or {@link #DRAIN} passes)
 * and then closed.
 *
 * <pre>
 * try (RawBackend backend = RawBackend.start(conn -> {
 *         conn.readRequestHead();
 *         conn.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
 *     })) { ... backend.port() ... backend.connections() ... }
 * </pre>
 */
public final class RawBackend implements AutoCloseable {
    /** How long a finished script's connection waits for the peer to close. */
    public static final Duration DRAIN = Duration.ofSeconds(3);
    private static final int READ_TIMEOUT_MS = 5_000;

    /** What the backend does with one connection. */
    @FunctionalInterface
    public interface Script {
        void run(Conn conn) throws Exception;
    }

    /** How a connection ended: every byte received on it, and whether the peer closed it first. */
    public record Ended(byte[] received, boolean peerClosed) {
        public String receivedText() {
            return new String(received, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Conn> accepted = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Conn> arrivals = new LinkedBlockingQueue<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private RawBackend(ServerSocket server, Script script) {
        this.server = server;
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "raw-backend-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    public static RawBackend start(Script script) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            RawBackend backend = new RawBackend(server, script);
            backend.acceptor.start();
            return backend;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the raw backend", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, the form a Sluice upstream takes. */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return accepted.size();
    }

    /** Request heads read by scripts so far. */
    public int requests() {
        return requests.get();
    }

    /** The next accepted connection, or an AssertionError naming what was awaited. */
    public Conn nextConnection(Duration timeout) throws InterruptedException {
        Conn conn = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (conn == null) {
            throw new AssertionError("raw backend on port " + port() + " got no connection within " + timeout);
        }
        return conn;
    }

    /** Exceptions the scripts threw (a script's assertion failing shows up here). */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Conn conn = new Conn(socket);
                accepted.add(conn);
                arrivals.add(conn);
                Thread worker = new Thread(conn::serve, "raw-backend-conn-" + socket.getPort());
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    failures.add(e);
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the acceptor ends either way
        }
        accepted.forEach(Conn::close);
    }

    /** One accepted connection, seen from the backend. */
    public final class Conn {
        private final Socket socket;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final InputStream in;
        private final OutputStream out;
        private final CompletableFuture<Ended> ended = new CompletableFuture<>();
        private volatile boolean peerClosed;

        private Conn(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            this.in = new BufferedInputStream(new Recording(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        private void serve() {
            try {
                script.run(this);
                drain();
            } catch (Throwable t) {
                failures.add(t);
            } finally {
                close();
                ended.complete(new Ended(receivedSoFar(), peerClosed));
            }
        }

        /** Reads until the peer closes or DRAIN passes, so that anything sent later is still recorded. */
        private void drain() throws IOException {
            if (socket.isClosed() || peerClosed) {
                return;
            }
            socket.setSoTimeout((int) DRAIN.toMillis());
            byte[] sink = new byte[8192];
            try {
                while (in.read(sink) >= 0) {
                    // only recorded
                }
            } catch (SocketTimeoutException stillOpen) {
                // the peer kept the connection open; Ended.peerClosed says so
            } catch (SocketException reset) {
                peerClosed = true;
            }
        }

        /** Reads one request head and counts it. */
        public RawHttp.Head readRequestHead() throws IOException {
            RawHttp.Head head = RawHttp.readHead(in);
            requests.incrementAndGet();
            return head;
        }

        /** Reads until EOF (bounded by the read timeout) and returns what came. */
        public byte[] readToEof() throws IOException {
            return in.readAllBytes();
        }

        public WsFrames.Frame readFrame() throws IOException {
            return WsFrames.readFrame(in);
        }

        /** One write call, flushed. */
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        public void write(String ascii) throws IOException {
            write(RawHttp.ascii(ascii));
        }

        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        /** Every byte received so far on this connection. */
        public byte[] receivedSoFar() {
            synchronized (received) {
                return received.toByteArray();
            }
        }

        /** Completes when the script and the drain are over and the socket is closed. */
        public CompletableFuture<Ended> ended() {
            return ended;
        }

        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }

        /** Copies every byte the socket delivers, and notes when the peer closed. */
        private final class Recording extends FilterInputStream {
            Recording(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    peerClosed = true;
                } else {
                    synchronized (received) {
                        received.write(b);
                    }
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    peerClosed = true;
                } else {
                    synchronized (received) {
                        received.write(b, off, n);
                    }
                }
                return n;
            }
        }
    }
}
