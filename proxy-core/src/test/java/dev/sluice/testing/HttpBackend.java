package dev.sluice.testing;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/1.1 server (Undertow) on 127.0.0.1, port 0, standing in for the upstream a proxy
 * forwards to: it records every request it receives (method, target, headers, body bytes) and
 * answers with whatever {@link HttpBackendResponder} the test scripted.
 *
 * <pre>{@code
 * try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text("hello"))) {
 *     ... send something to backend.uri() through the proxy ...
 *     HttpBackendRequest seen = backend.takeRequest();
 * }
 * }</pre>
 */
public final class HttpBackend implements AutoCloseable {
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<HttpBackendRequest> received = new LinkedBlockingQueue<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile HttpBackendResponder responder;
    private final Undertow server;
    private final String host;
    private final boolean tls;

    private HttpBackend(String host, int port, HttpBackendResponder responder, SSLContext tls) {
        this.responder = responder;
        this.host = host;
        this.tls = tls != null;
        Undertow.Builder builder = Undertow.builder();
        if (tls == null) {
            builder.addHttpListener(port, host);
        } else {
            builder.addHttpsListener(port, host, tls);
        }
        this.server = builder
                .setIoThreads(1)
                .setWorkerThreads(16)
                // a responder still holding a response open must not hang close() for long
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, 2_000)
                // Undertow 2.4 refuses bodies over 2 MiB by default; uploads through the proxy are bigger
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 1024L * 1024 * 1024)
                .setHandler(new RecordingHandler())
                .build();
        server.start();
    }

    /** Starts a backend that answers every request with 200 "ok". */
    public static HttpBackend start() {
        return start(HttpBackendResponder.text("ok"));
    }

    public static HttpBackend start(HttpBackendResponder responder) {
        return new HttpBackend("127.0.0.1", 0, responder, null);
    }

    /**
     * A backend on this address, e.g. 127.0.0.2 on the port of one on 127.0.0.1 (on Linux every
     * 127.x address is this machine): two servers behind one name, as DNS would give them.
     */
    public static HttpBackend startOn(String host, int port, HttpBackendResponder responder) {
        return new HttpBackend(host, port, responder, null);
    }

    /** A backend that listens with TLS (HTTP/1.1 only), serving the certificate of {@code tls}. */
    public static HttpBackend startTls(SSLContext tls, HttpBackendResponder responder) {
        return new HttpBackend("127.0.0.1", 0, responder, tls);
    }

    /** Replaces the scripted answer for every request from now on. */
    public void respondWith(HttpBackendResponder responder) {
        this.responder = responder;
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code http://127.0.0.1:PORT} (or the host it was started on; {@code https://} with TLS), the form an upstream server URL takes. */
    public URI uri() {
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + port());
    }

    /** The oldest request not yet taken; fails when none arrives within 10 seconds. */
    public HttpBackendRequest takeRequest() throws InterruptedException {
        HttpBackendRequest request = received.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("backend on port " + port() + " received no request within " + TAKE_TIMEOUT);
        }
        return request;
    }

    /** Requests received and not yet taken, oldest first, without waiting. */
    public List<HttpBackendRequest> drainRequests() {
        List<HttpBackendRequest> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    /** Exceptions thrown by responders so far; a test can assert the backend itself did not break. */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Reads the whole body on a worker thread, records the request, then runs the responder. */
    private final class RecordingHandler implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            exchange.startBlocking();
            byte[] body = exchange.getInputStream().readAllBytes();
            HttpBackendRequest request = new HttpBackendRequest(
                    exchange.getRequestMethod().toString(), target(exchange), headers(exchange), body);
            received.add(request);
            try {
                responder.respond(request, new HttpBackendReply(exchange));
            } catch (Exception | Error e) {
                failures.add(e);
                throw e;
            }
        }

        private static String target(HttpServerExchange exchange) {
            String query = exchange.getQueryString();
            return exchange.getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query);
        }

        private static Map<String, List<String>> headers(HttpServerExchange exchange) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HeaderValues values : exchange.getRequestHeaders()) {
                headers.computeIfAbsent(values.getHeaderName().toString(), name -> new ArrayList<>()).addAll(values);
            }
            return headers;
        }
    }
}
