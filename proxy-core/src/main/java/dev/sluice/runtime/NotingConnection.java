package dev.sluice.runtime;

import dev.sluice.http.Answer;
import dev.sluice.http.UpstreamFailure;
import dev.sluice.upstream.Server;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientStatistics;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Attachable;
import io.undertow.util.AttachmentKey;
import org.xnio.ChannelListener;
import org.xnio.Option;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * An upstream connection as the exchange it was handed to sees it: every call goes to the
 * connection itself, and the request sent on it is noted on the exchange
 * ({@link UpstreamClient#SENT}). Undertow's ProxyHandler keeps that request to itself, and
 * Sluice needs it to give up on the request quietly (see {@link UpstreamClient#abandon}).
 * The connection's {@link ResponseHeadGuard} is told when the request goes out and when its
 * exchange is over, so that it knows when an answer is due.
 */
final class NotingConnection implements ClientConnection, ExchangeCompletionListener {
    private static final AttachmentKey<ResponseHeadGuard> GUARD = AttachmentKey.create(ResponseHeadGuard.class);

    private final ClientConnection connection;
    /** Null once the request on this connection became a tunnel ({@link #forget}). */
    private HttpServerExchange exchange;
    /** The guard under the connection, once a request went out on it; and that request's token. */
    private ResponseHeadGuard guard;
    private long token;

    NotingConnection(ClientConnection connection, HttpServerExchange exchange) {
        this.connection = connection;
        this.exchange = exchange;
    }

    /** The request on this connection became a tunnel: the exchange it noted is not needed any more. */
    void forget() {
        exchange = null;
    }

    /** Notes the guard under a connection that {@link GuardedHttpClientProvider} made. */
    static void guard(ClientConnection connection, ResponseHeadGuard guard) {
        ((Attachable) connection).putAttachment(GUARD, guard);
    }

    @Override
    public void sendRequest(ClientRequest request, ClientCallback<ClientExchange> callback) {
        ResponseHeadGuard under = connection instanceof Attachable attachable ? attachable.getAttachment(GUARD) : null;
        if (under != null) {
            if (guard == null) {
                exchange.addExchangeCompleteListener(this);
            }
            guard = under;
            token = under.requestSent();
        }
        connection.sendRequest(request, new ClientCallback<>() {
            private boolean sent;

            @Override
            public void completed(ClientExchange exchangeSent) {
                sent = true;
                SentRequest request = new SentRequest(exchangeSent, exchange, reused());
                exchange.putAttachment(UpstreamClient.SENT, request);
                callback.completed(request);
            }

            @Override
            public void failed(IOException e) {
                // Undertow fails this callback too when the connection closes while completed()
                // above still runs (ProxyHandler pumps the request body from inside it); by then
                // the request's failure is its response listener's to handle, not this one's.
                if (!sent) {
                    exchange.putAttachment(UpstreamClient.UPSTREAM_FAILURE, new UpstreamFailure(
                            Answer.UPSTREAM_LOST_WHILE_SENDING,
                            "the upstream connection failed while the request was sent: " + e.getMessage(),
                            String.valueOf(connection.getPeerAddress())));
                    if (!ForwardFailure.handle(exchange, e)) {
                        if (!reused()) {
                            UpstreamClient.serverFailed(exchange, Server.Failure.RESET,
                                    "connection lost while the request was sent: " + GuardedHttpClientProvider.reasonOf(e));
                        }
                        callback.failed(e);
                    }
                }
            }
        });
    }

    /**
     * Whether an earlier request went out on this connection. Losing a kept-alive connection
     * is the race every pool has with a server closing idle ones, not a sign of a broken server.
     */
    private boolean reused() {
        return token > 1;
    }

    /** The exchange is over: no answer is due on the connection any more (unless another request went out). */
    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener next) {
        guard.exchangeOver(token);
        next.proceed();
    }

    @Override
    public StreamConnection performUpgrade() throws IOException {
        return connection.performUpgrade();
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return connection.getBufferPool();
    }

    @Override
    public SocketAddress getPeerAddress() {
        return connection.getPeerAddress();
    }

    @Override
    public <A extends SocketAddress> A getPeerAddress(Class<A> type) {
        return connection.getPeerAddress(type);
    }

    @Override
    public ChannelListener.Setter<? extends ClientConnection> getCloseSetter() {
        return connection.getCloseSetter();
    }

    @Override
    public SocketAddress getLocalAddress() {
        return connection.getLocalAddress();
    }

    @Override
    public <A extends SocketAddress> A getLocalAddress(Class<A> type) {
        return connection.getLocalAddress(type);
    }

    @Override
    public XnioWorker getWorker() {
        return connection.getWorker();
    }

    @Override
    public XnioIoThread getIoThread() {
        return connection.getIoThread();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    @Override
    public boolean supportsOption(Option<?> option) {
        return connection.supportsOption(option);
    }

    @Override
    public <T> T getOption(Option<T> option) throws IOException {
        return connection.getOption(option);
    }

    @Override
    public <T> T setOption(Option<T> option, T value) throws IOException {
        return connection.setOption(option, value);
    }

    @Override
    public boolean isUpgraded() {
        return connection.isUpgraded();
    }

    @Override
    public boolean isPushSupported() {
        return connection.isPushSupported();
    }

    @Override
    public boolean isMultiplexingSupported() {
        return connection.isMultiplexingSupported();
    }

    @Override
    public ClientStatistics getStatistics() {
        return connection.getStatistics();
    }

    @Override
    public boolean isUpgradeSupported() {
        return connection.isUpgradeSupported();
    }

    @Override
    public void addCloseListener(ChannelListener<ClientConnection> listener) {
        connection.addCloseListener(listener);
    }

    @Override
    public boolean isPingSupported() {
        return connection.isPingSupported();
    }

    @Override
    public void sendPing(PingListener listener, long timeout, TimeUnit timeUnit) {
        connection.sendPing(listener, timeout, timeUnit);
    }
}
