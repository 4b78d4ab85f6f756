package dev.sluice.upstream;

import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/** {@code GET path}: a 2xx or 3xx answer is healthy, anything else says its status. */
final class HttpGetCheck implements CheckExchange {
    private final String path;

    HttpGetCheck(String path) {
        this.path = path;
    }

    @Override
    public ClientRequest request(String hostHeader) {
        ClientRequest request = new ClientRequest().setMethod(Methods.GET).setPath(path);
        request.getRequestHeaders()
                .put(Headers.HOST, hostHeader)
                .put(Headers.USER_AGENT, USER_AGENT)
                // checks are not pooled: the server may free the connection as soon as it has answered
                .put(Headers.CONNECTION, Headers.CLOSE.toString());
        return request;
    }

    @Override
    public void answered(ClientExchange exchange, ProbeRun run) {
        int status = exchange.getResponse().getResponseCode();
        String reason = "status " + status;
        CheckResult result = status >= 200 && status < 400 ? CheckResult.healthy(reason) : CheckResult.unhealthy(reason);
        // The status decides; the body is read only so that closing does not reset a
        // connection with bytes still unread, and only as long as the check's deadline allows.
        run.decided(result);
        BodyDiscard.readToEnd(exchange.getResponseChannel(), () -> run.finish(result), failure -> run.finish(result));
    }
}
