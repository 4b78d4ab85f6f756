package dev.sluice.handler;

import dev.sluice.runtime.IoThreads;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Keeps an HTTP/1.1 client connection in the selector while a request without a body runs.
 * Undertow (since UNDERTOW-1856, for its read timeout, which Sluice does not use) takes the
 * socket out of the selector as each request starts and puts it back when the request ends: on
 * Linux two {@code epoll_ctl} calls per request, a tenth of the CPU a small proxied request
 * costs. Put back at once, within the same turn of the IO thread, the selector has nothing to
 * change. Bytes a client sends while its request runs (a pipelined request, its FIN) wake
 * Undertow's read listener, which then takes the socket out itself until the request ends, as
 * it did before that change; nothing is read early.
 *
 * <p>On TLS connections the reads are put back by a task queued behind the one Undertow's TLS
 * conduit queued while it read the request (to run the read listener again in case the TLS
 * engine kept bytes): put back at once, that task would find reads on and take the socket out
 * after all. Undertow suspends TLS reads eagerly rather than lazily because its TLS conduit is
 * not safe from two threads at once, and a request handled on a worker thread could write
 * through it while the read listener ran; a proxied request never leaves its IO thread (its
 * upstream connection belongs to the same one), and neither does this task.
 *
 * <p>Not for requests with a body: their body is read through the same socket, and Undertow's
 * request channel manages it.
 */
final class ClientReadsKept {
    private ClientReadsKept() {
    }

    /** On the IO thread, first thing for every request. */
    static void keep(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof HttpServerConnection connection && exchange.isRequestComplete()) {
            StreamSourceConduit reads = connection.getOriginalSourceConduit();
            if (connection.getSslSessionInfo() == null) {
                reads.resumeReads();
            } else {
                IoThreads.execute(exchange.getIoThread(), () -> {
                    if (!exchange.isComplete()) { // else the connection has moved on to its next request
                        reads.resumeReads();
                    }
                });
            }
        }
    }
}
