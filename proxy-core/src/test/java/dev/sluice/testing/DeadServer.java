package dev.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;

/** An upstream address on 127.0.0.1 where nothing listens: a port bound once, then released. */
public final class DeadServer {
    private DeadServer() {
    }

    /** {@code http://127.0.0.1:PORT} that refuses connections. */
    public static URI uri() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick a free port", e);
        }
    }
}
