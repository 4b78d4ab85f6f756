package dev.sluice.edge;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
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
 * One end of a raw TCP connection in a test, client or backend: the socket, a buffered input
 * that keeps whatever arrived behind an HTTP head, and plain blocking reads with timeouts.
 */
final class RawPeer implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_HEAD = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port with default socket buffers. */
    static RawPeer connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * Connects with send and receive buffers fixed at {@code bufferSize} bytes (0: the kernel's
     * autotuned defaults). Small fixed buffers keep the bytes the kernel can hide small, so a
     * backpressure test sees the proxy's own behaviour.
     */
    static RawPeer connect(int port, int bufferSize) throws IOException {
        Socket socket = new Socket();
        if (bufferSize > 0) {
            socket.setReceiveBufferSize(bufferSize);
            socket.setSendBufferSize(bufferSize);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        return new RawPeer(socket);
    }

    Socket socket() {
        return socket;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP head up to and including the blank line; bytes behind it stay buffered. */
    String readHead() throws IOException {
        String head = readHeadOrNull();
        if (head == null) {
            throw new EOFException("connection closed before any byte of an HTTP head");
        }
        return head;
    }

    /** {@link #readHead()}, or null when the connection ends before its first byte. */
    String readHeadOrNull() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0 && head.size() == 0) {
                return null;
            }
            if (b < 0) {
                throw new EOFException("connection closed after " + head.size() + " bytes of an HTTP head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("connection closed after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /**
     * Reads (and discards) until the peer's end arrives: "EOF" or "reset (message)". Throws
     * when the connection is still open after {@code within}.
     */
    String awaitEnd(Duration within) throws IOException {
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
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            }
        }
    }

    /** Closes with a TCP reset instead of a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
