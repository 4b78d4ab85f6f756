package dev.sluice.runtime;

import dev.sluice.http.Answer;
import dev.sluice.http.UpstreamFailure;
import dev.sluice.upstream.Server;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.client.ContinueNotification;
import io.undertow.client.PushCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.AttachmentList;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

import java.io.IOException;
import java.util.List;

/**
 * A request sent upstream, as Undertow's ProxyHandler sees it, with a switch in front of the
 * response listener it sets: once Sluice has given up on the request ({@link #abandon}), the
 * failure that closing its connection causes reaches Sluice instead of ProxyHandler, which would
 * log it as an error with a stack trace and answer 503 or try again. The listener stays behind
 * the switch even where Undertow's client hands it on (to an HTTP/2 stream after an unasked
 * h2c switch).
 */
final class SentRequest implements ClientExchange {
    private static final Runnable NOTHING = () -> { };

    private final ClientExchange sent;
    private HttpServerExchange exchange;
    private ClientCallback<ClientExchange> listener;
    private Runnable whenFailed;
    /** Sent on a connection an earlier request used: its loss does not count against the server. */
    private final boolean reused;

    SentRequest(ClientExchange sent, HttpServerExchange exchange, boolean reused) {
        this.sent = sent;
        this.exchange = exchange;
        this.reused = reused;
    }

    /** From now on a failure of the request runs {@code whenFailed} instead of reaching ProxyHandler. */
    void abandon(Runnable whenFailed) {
        this.whenFailed = whenFailed;
    }

    /**
     * The request became a tunnel: it has nothing more to report, and lets go of the exchange
     * and the listener. Undertow's client connection keeps its last request, and so this
     * object, for as long as the socket lives.
     */
    void forget() {
        whenFailed = NOTHING;
        exchange = null;
        listener = null;
    }

    @Override
    public void setResponseListener(ClientCallback<ClientExchange> responseListener) {
        listener = responseListener;
        sent.setResponseListener(new ClientCallback<>() {
            @Override
            public void completed(ClientExchange answered) {
                if (whenFailed == null) {
                    Server server = UpstreamClient.serverOf(exchange);
                    if (server != null) {
                        server.answered();
                    }
                    listener.completed(answered);
                }
            }

            @Override
            public void failed(IOException e) {
                if (whenFailed == null) {
                    exchange.putAttachment(UpstreamClient.UPSTREAM_FAILURE, new UpstreamFailure(
                            Answer.UPSTREAM_LOST_BEFORE_HEAD,
                            "the upstream connection failed before the answer's head: " + e.getMessage(),
                            String.valueOf(sent.getConnection().getPeerAddress())));
                    if (!ForwardFailure.handle(exchange, e)) {
                        // after a head (a 101 whose tunnel has ended) the connection's end is no failure
                        if (!reused && sent.getResponse() == null) {
                            UpstreamClient.serverFailed(exchange, Server.Failure.RESET,
                                    "connection lost before the answer: " + GuardedHttpClientProvider.reasonOf(e));
                        }
                        listener.failed(e);
                    }
                } else {
                    whenFailed.run();
                }
            }
        });
    }

    @Override
    public void setContinueHandler(ContinueNotification continueHandler) {
        sent.setContinueHandler(continueHandler);
    }

    @Override
    public void setPushHandler(PushCallback pushCallback) {
        sent.setPushHandler(pushCallback);
    }

    @Override
    public StreamSinkChannel getRequestChannel() {
        return sent.getRequestChannel();
    }

    @Override
    public StreamSourceChannel getResponseChannel() {
        return sent.getResponseChannel();
    }

    @Override
    public ClientRequest getRequest() {
        return sent.getRequest();
    }

    @Override
    public ClientResponse getResponse() {
        return sent.getResponse();
    }

    @Override
    public ClientResponse getContinueResponse() {
        return sent.getContinueResponse();
    }

    @Override
    public ClientConnection getConnection() {
        return sent.getConnection();
    }

    @Override
    public <T> T getAttachment(AttachmentKey<T> key) {
        return sent.getAttachment(key);
    }

    @Override
    public <T> List<T> getAttachmentList(AttachmentKey<? extends List<T>> key) {
        return sent.getAttachmentList(key);
    }

    @Override
    public <T> T putAttachment(AttachmentKey<T> key, T value) {
        return sent.putAttachment(key, value);
    }

    @Override
    public <T> T removeAttachment(AttachmentKey<T> key) {
        return sent.removeAttachment(key);
    }

    @Override
    public <T> void addToAttachmentList(AttachmentKey<AttachmentList<T>> key, T value) {
        sent.addToAttachmentList(key, value);
    }
}
