package dev.sluice.testing;

/**
 * What an {@link HttpBackend} answers. Runs on a worker thread (never an IO thread), so it may
 * block, e.g. to hold a response open until the test releases a latch.
 */
@FunctionalInterface
public interface HttpBackendResponder {

    void respond(HttpBackendRequest request, HttpBackendReply reply) throws Exception;

    /** 200 {@code text/plain} with the given body. */
    static HttpBackendResponder text(String body) {
        return text(200, body);
    }

    static HttpBackendResponder text(int status, String body) {
        return (request, reply) -> reply.status(status).header("Content-Type", "text/plain; charset=UTF-8").send(body);
    }

    /** 200 with the request body sent back unchanged, as {@code application/octet-stream}. */
    static HttpBackendResponder echoBody() {
        return (request, reply) -> reply.header("Content-Type", "application/octet-stream").send(request.body());
    }

    /** 200 {@code text/plain} whose body is the request target (path and query) as received. */
    static HttpBackendResponder echoUri() {
        return (request, reply) -> reply.header("Content-Type", "text/plain; charset=UTF-8").send(request.uri());
    }
}
