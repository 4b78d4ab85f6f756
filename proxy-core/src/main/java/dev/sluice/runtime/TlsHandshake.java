package dev.sluice.runtime;

import io.undertow.util.ImmediatePooled;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.ssl.SslConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Runs the client handshake of a new TLS connection to its end before anything is sent on it, so
 * that a certificate that is not trusted or does not match fails the connect (and the server is
 * ejected for it) rather than the first request on the connection. Driven as Undertow's own
 * ALPN client does: reading makes the conduit handshake; all of it on the connection's IO thread.
 */
final class TlsHandshake {
    /** What comes of it, exactly once. */
    interface Outcome {
        void done(SslConnection connection);

        void failed(IOException e);
    }

    private final SslConnection connection;
    private final Outcome outcome;
    private XnioExecutor.Key timer;
    private boolean finished;
    private boolean settled;

    private TlsHandshake(SslConnection connection, Outcome outcome) {
        this.connection = connection;
        this.outcome = outcome;
    }

    /** Starts the handshake; on the connection's IO thread. */
    static void run(SslConnection connection, long timeoutMillis, Outcome outcome) {
        new TlsHandshake(connection, outcome).start(timeoutMillis);
    }

    private void start(long timeoutMillis) {
        timer = IoThreads.executeAfter(connection.getIoThread(), () -> {
            timer = null;
            fail(new IOException("no TLS handshake within " + timeoutMillis + " ms"));
        }, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        // The conduit tells of the end inside a read or a write; settling is left to a task of
        // its own, so the HTTP connection is never built from inside the conduit's own call.
        connection.getHandshakeSetter().set(c -> {
            finished = true;
            IoThreads.execute(connection.getIoThread(), this::settleIfFinished);
        });
        connection.getSourceChannel().getReadSetter().set(this::readable);
        try {
            connection.startHandshake();
            connection.getSourceChannel().resumeReads();
        } catch (IOException e) {
            fail(e);
        }
    }

    private void readable(StreamSourceChannel channel) {
        if (settled) {
            return;
        }
        ByteBuffer early = ByteBuffer.allocate(64);
        try {
            int read = channel.read(early);
            if (read == -1) {
                fail(new IOException("connection closed during the TLS handshake"));
                return;
            }
            if (read > 0) {
                // bytes no request asked for: kept for the connection, whose guard reports them
                early.flip();
                PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(connection.getSourceChannel().getConduit());
                pushBack.pushBack(new ImmediatePooled<>(early));
                connection.getSourceChannel().setConduit(pushBack);
            }
            settleIfFinished();
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new IOException(e));
        }
    }

    private void settleIfFinished() {
        if (settled || !finished) {
            return;
        }
        settled = true;
        cancelTimer();
        connection.getSourceChannel().suspendReads();
        connection.getSourceChannel().getReadSetter().set(null);
        connection.getHandshakeSetter().set(null);
        outcome.done(connection);
    }

    private void fail(IOException e) {
        if (settled) {
            return;
        }
        settled = true;
        cancelTimer();
        IoUtils.safeClose(connection);
        outcome.failed(e);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }
}
