package dev.sluice.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One end of a raw TCP connection in a test, client or backend side ({@link RawBackend} hands its
 * connections to scripts as RawPeers): bytes go out exactly as given, one write call each; HTTP
 * heads, bodies and WebSocket frames come in without consuming what follows them; and the
 * connection's end (EOF or reset) can be awaited within a bound, or caused with a FIN or a reset.
 * Every read times out after {@link #READ_TIMEOUT}, so a proxy that holds bytes back fails the
 * test instead of hanging it.
 *
 * <pre>{@code
 * try (RawPeer client = RawPeer.connect(proxy.port())) {
 *     RawHttp.Response response = client.write(RawHttp.request("GET", "/", "Host: x")).readResponse();
 * }
 * }</pre>
 */
public final class RawPeer implements AutoCloseable {
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int BUFFER = 64 * 1024;

    private final Socket socket;
    /** Null unless this peer records what it receives (see {@link #recording}). */
    private final Recording recording;
    private final InputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket, boolean record) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        InputStream raw = socket.getInputStream();
        this.recording = record ? new Recording(raw) : null;
        this.in = new BufferedInputStream(record ? recording : raw, BUFFER);
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port with the kernel's default socket buffers. */
    public static RawPeer connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with send and receive buffers fixed at {@code bufferSize} bytes (0: the kernel's
     * autotuned defaults). Small fixed buffers keep the bytes the kernel can hide small, so a
     * backpressure test sees the proxy's own behaviour.
     */
    public static RawPeer connect(int port, int bufferSize) throws IOException {
        Socket socket = new Socket();
        try {
            if (bufferSize > 0) {
                socket.setReceiveBufferSize(bufferSize);
                socket.setSendBufferSize(bufferSize);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
            return new RawPeer(socket, false);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to 127.0.0.1:port and completes a TLS handshake with the client context's trust. */
    public static RawPeer connectTls(int port, SSLContext client) throws IOException {
        Socket socket = client.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
            RawPeer peer = new RawPeer(socket, false);
            ((SSLSocket) socket).startHandshake();
            return peer;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** An accepted socket whose every received byte is recorded before buffering (see {@link #received}). */
    static RawPeer recording(Socket socket) throws IOException {
        return new RawPeer(socket, true);
    }

    /** An accepted socket, not recorded. */
    static RawPeer accepted(Socket socket) throws IOException {
        return new RawPeer(socket, false);
    }

    public Socket socket() {
        return socket;
    }

    /** The buffered input; bytes behind anything read so far are in here. */
    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /** Writes the text as ISO-8859-1 in one write call, flushed. */
    public RawPeer write(String text) throws IOException {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes the bytes in one write call, flushed, so they leave in as few segments as the OS allows. */
    public RawPeer write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one HTTP head up to and including its blank line; bytes behind it stay buffered. */
    public RawHttp.Head readHead() throws IOException {
        return RawHttp.readHead(in);
    }

    /** {@link #readHead()}, or null when the connection ends before the head's first byte. */
    public RawHttp.Head readHeadOrNull() throws IOException {
        return RawHttp.readHeadOrNull(in);
    }

    /** Reads one whole response to a request that was not HEAD. */
    public RawHttp.Response readResponse() throws IOException {
        return readResponse(false);
    }

    /** Reads one whole response; after HEAD ({@code toHead}) no body follows whatever the headers say. */
    public RawHttp.Response readResponse(boolean toHead) throws IOException {
        return RawHttp.readResponse(in, toHead);
    }

    /** The body of the response whose head was just read, to read as it streams in (see {@link RawHttp#body}). */
    public InputStream body(RawHttp.Head head) {
        return RawHttp.body(head, in);
    }

    /** The body of the request whose head was just read (see {@link RawHttp#requestBody}). */
    public InputStream requestBody(RawHttp.Head head) {
        return RawHttp.requestBody(head, in);
    }

    /** Reads one WebSocket frame (see {@link WsWire#readFrame}). */
    public WsWire.Frame readFrame() throws IOException {
        return WsWire.readFrame(in);
    }

    /** Exactly {@code length} bytes; EOFException when the connection ends first. */
    public byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("connection closed after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** Everything until EOF; each read is bounded by the read timeout. */
    public byte[] readToEof() throws IOException {
        return in.readAllBytes();
    }

    /** True when the peer closed (read gives -1 or a reset), false when it only stayed silent for the read timeout. */
    public boolean readsEof() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Reads (and discards) until the peer's end arrives: "EOF" or "reset (message)". Throws an
     * AssertionError when the connection is still open after {@code within}.
     */
    public String awaitEnd(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] discard = new byte[8192];
        try {
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                socket.setSoTimeout((int) left);
                if (in.read(discard) < 0) {
                    return "EOF";
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("still receiving bytes after " + within.toMillis() + " ms");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + within.toMillis() + " ms");
        } catch (SocketException e) {
            return "reset (" + e.getMessage() + ")";
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            }
        }
    }

    /** Sends a FIN; reading goes on. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Closes with a TCP reset instead of a FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** Every byte received so far, recorded at the socket; only for a peer made by {@link #recording}. */
    byte[] received() {
        synchronized (recording.bytes) {
            return recording.bytes.toByteArray();
        }
    }

    /** True once a read at the socket returned EOF; only for a peer made by {@link #recording}. */
    boolean sawEof() {
        return recording.eof;
    }

    /** Copies every byte the socket delivers, before any buffering, and notes when the peer closed. */
    private static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile boolean eof;

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                eof = true;
            } else {
                synchronized (bytes) {
                    bytes.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                eof = true;
            } else {
                synchronized (bytes) {
                    bytes.write(b, off, n);
                }
            }
            return n;
        }
    }
}
