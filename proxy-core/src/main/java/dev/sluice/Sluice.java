package dev.sluice;

import dev.sluice.config.SluiceConfig;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/** A running proxy. Placeholder: the runtime lands in the next commits. */
public final class Sluice implements AutoCloseable {
    private Sluice() {
    }

    /** Binds every listener and starts serving; throws {@link SluiceException} when a port cannot be bound. */
    public static Sluice start(SluiceConfig config) {
        throw new SluiceException("not implemented yet");
    }

    /** Actual bound addresses of the client listeners, in config order. */
    public List<InetSocketAddress> listenerAddresses() {
        return List.of();
    }

    /** Port of the first listener. */
    public int port() {
        return 0;
    }

    /** {@code scheme://127.0.0.1:port/path} on the first listener, e.g. {@code uri("ws", "/chat")}. */
    public URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port() + path);
    }

    /** Stops accepting, lets in-flight work finish up to the drain timeout, then closes everything. */
    @Override
    public void close() {
    }
}
