package dev.sluice.observe;

/**
 * One entry of the access log, as taken on the IO thread: plain values, formatted into a line
 * later, on the access log's own thread ({@link AccessFormat}).
 */
public sealed interface AccessEntry permits AccessEntry.Exchange, AccessEntry.ClosedTunnel {
    /**
     * One HTTP exchange (a WebSocket handshake's too).
     *
     * @param timeMillis  when it ended
     * @param client      the client's address, or null
     * @param target      the request target as the client sent it (path and query)
     * @param status      what the client got (0: no status line, a fault cut it)
     * @param bodyBytes   body bytes the client got
     * @param server      the upstream server that answered (host:port), or null when none did
     * @param tlsProtocol null without TLS
     * @param fault       the fault that changed the answer, or null
     */
    record Exchange(long timeMillis, String client, String method, String target, String protocol, int status,
                    long bodyBytes, long durationMillis, String host, String referer, String userAgent, String route,
                    String upstream, String server, String requestId, String tlsProtocol, String tlsCipher,
                    String fault) implements AccessEntry {
    }

    /**
     * A tunnel that has closed.
     *
     * @param target      the handshake's request target
     * @param clientCode  the close code the client sent (-1: none)
     * @param upstreamCode the close code the upstream sent (-1: none)
     */
    record ClosedTunnel(long timeMillis, String client, String target, long durationMillis, String host, String referer,
                        String userAgent, String route, String upstream, String server, String requestId, long tunnelId,
                        long bytesToUpstream, long messagesToUpstream, long bytesToClient, long messagesToClient,
                        int clientCode, int upstreamCode, String reason) implements AccessEntry {
    }
}
