package dev.sluice.builtin;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built-in {@code echo} upstream ({@code upstreams: { demo: { builtin: echo } }}): a real HTTP server
 * on 127.0.0.1, port 0, that the proxy forwards to like to any other upstream, so the default config
 * runs alone and shows the product working.
 *
 * <pre>
 * request -> OpenConnections -> WebSocket upgrade? ---yes--> WebSocketEcho (echo every message, answer close)
 *                                     | no
 *                                     +-- GET/HEAD, Accept text/html? --yes--> DemoPageHandler (page that opens a WebSocket)
 *                                     +-- anything else ---------------------> RequestEchoHandler (describe request, stream body back)
 * </pre>
 *
 * <p>Nothing here blocks an IO thread and nothing is dispatched to task threads, so running on the proxy's
 * own worker costs no extra threads.
 */
public final class EchoUpstream implements AutoCloseable {
    private static final long OWN_WORKER_SHUTDOWN_MILLIS = 5_000;

    private final Undertow server;
    private final XnioWorker worker;
    private final boolean ownsWorker;
    private final OpenConnections connections;
    private final WebSocketProtocolHandshakeHandler webSockets;
    private final URI uri;

    private EchoUpstream(XnioWorker worker, boolean ownsWorker) {
        this.worker = worker;
        this.ownsWorker = ownsWorker;
        this.webSockets = new WebSocketProtocolHandshakeHandler(
                List.of(new FirstOfferedSubprotocolHandshake()),
                new WebSocketEcho(),
                Handlers.predicate(DemoPageHandler::wantsPage,
                        new DemoPageHandler(),
                        new RequestEchoHandler()));
        this.connections = new OpenConnections(webSockets);
        this.server = Undertow.builder()
                .setWorker(worker)
                // Undertow caps request bodies at 2 MiB by default; body limits are the proxy's job (0 = none).
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                .addHttpListener(0, "127.0.0.1")
                .setHandler(connections)
                .build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        this.uri = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Starts on the given worker, which the caller keeps owning: {@link #close()} stops this server and
     * its connections but leaves the worker running.
     */
    public static EchoUpstream start(XnioWorker worker) {
        return new EchoUpstream(worker, false);
    }

    /**
     * Starts on a worker of its own (one IO thread, daemon), for standalone use and tests; {@link #close()}
     * shuts that worker down.
     */
    public static EchoUpstream start() {
        XnioWorker own;
        try {
            own = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "sluice-echo")
                    .set(Options.WORKER_IO_THREADS, 1)
                    .set(Options.WORKER_TASK_CORE_THREADS, 1)
                    .set(Options.WORKER_TASK_MAX_THREADS, 1)
                    .set(Options.THREAD_DAEMON, true)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the echo upstream's worker", e);
        }
        try {
            return new EchoUpstream(own, true);
        } catch (RuntimeException e) {
            own.shutdownNow();
            throw e;
        }
    }

    /** Where the proxy should send requests: {@code http://127.0.0.1:PORT}. */
    public URI uri() {
        return uri;
    }

    /** Stops accepting, closes every open connection (HTTP and WebSocket), and shuts down its own worker if it has one. */
    @Override
    public void close() {
        server.stop();
        connections.closeAll();
        webSockets.getPeerConnections().forEach(IoUtils::safeClose);
        if (ownsWorker) {
            worker.shutdown();
            try {
                if (!worker.awaitTermination(OWN_WORKER_SHUTDOWN_MILLIS, TimeUnit.MILLISECONDS)) {
                    worker.shutdownNow();
                }
            } catch (InterruptedException e) {
                worker.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
