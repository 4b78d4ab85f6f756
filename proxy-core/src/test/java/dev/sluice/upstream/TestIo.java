package dev.sluice.upstream;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** An XNIO worker with two IO threads and a buffer pool, as the proxy gives the health checks. */
final class TestIo implements AutoCloseable {
    final XnioWorker worker;
    final ByteBufferPool bufferPool = new DefaultByteBufferPool(false, 16 * 1024);

    TestIo() {
        try {
            worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A target at a backend's {@code http://127.0.0.1:port}, its Host header naming it as a config would. */
    static Server server(URI uri) {
        return new Server(new InetSocketAddress("127.0.0.1", uri.getPort()), "backend.test:" + uri.getPort());
    }

    record Server(InetSocketAddress address, String hostHeader) implements HealthTarget {
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        bufferPool.close();
    }
}
