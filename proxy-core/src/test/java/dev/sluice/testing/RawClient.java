package dev.sluice.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A plain socket client for tests where the exact bytes matter. Every read is bounded by a
 * socket timeout, so a proxy that never answers fails the test instead of hanging it.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port; each read waits at most {@code readTimeout}. */
    public static RawClient connect(int port, Duration readTimeout) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    public static RawClient connect(int port) {
        return connect(port, Duration.ofSeconds(5));
    }

    /** Sends everything in one write call, so that it leaves in as few segments as the OS allows. */
    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawClient send(String ascii) throws IOException {
        return send(RawHttp.ascii(ascii));
    }

    public RawHttp.Response readResponse() throws IOException {
        return RawHttp.readResponse(in);
    }

    public RawHttp.Head readHead() throws IOException {
        return RawHttp.readHead(in);
    }

    public WsFrames.Frame readFrame() throws IOException {
        return WsFrames.readFrame(in);
    }

    public byte[] readNBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True when the peer closed (read gives -1 or a reset), false when it only stayed silent. */
    public boolean readsEof() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Reads one byte: -1 at EOF; throws SocketTimeoutException after the read timeout. */
    public int read() throws IOException {
        return in.read();
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing in a test teardown: nothing left to do
        }
    }
}
