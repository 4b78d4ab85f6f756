package dev.sluice.http;

/**
 * Why the proxy answered a request itself: each cause has a log id of its own, so that an
 * operator can grep one cause and the README's table can say what to do about it. The id is
 * SLU1 and the status where a status has one cause (SLU1404); a status with several causes has a
 * block of ten past the statuses HTTP uses (400: SLU146x, 403: SLU147x, 502: SLU152x, 503:
 * SLU153x, 504: SLU154x). The ids are written out, not computed, so that a search of the source
 * finds them (and LogIdsTest can check each is used once and listed in the README).
 */
public enum Answer {
    NO_ROUTE("SLU1404", 404),
    REQUEST_BODY_TIMEOUT("SLU1408", 408),
    /** Declared in Content-Length, or counted as a chunked body streamed in. */
    REQUEST_BODY_TOO_LARGE("SLU1413", 413),
    EXPECTATION_NOT_MET("SLU1417", 417),
    WEBSOCKET_VERSION_UNSUPPORTED("SLU1426", 426),
    REQUEST_HEAD_TOO_LARGE("SLU1431", 431),

    BAD_PATH("SLU1460", 400),
    HTTP_0_9("SLU1461", 400),
    SEVERAL_HOST_FIELDS("SLU1462", 400),
    TRANSFER_ENCODING_NOT_CHUNKED("SLU1463", 400),
    TRANSFER_ENCODING_AND_CONTENT_LENGTH("SLU1464", 400),
    CONTENT_LENGTHS_DISAGREE("SLU1465", 400),
    CONTENT_LENGTH_TOO_LARGE("SLU1466", 400),
    WEBSOCKET_KEY_INVALID("SLU1467", 400),
    WEBSOCKET_HANDSHAKE_WITH_BODY("SLU1468", 400),
    /** On a {@code redirect-to-https} listener: no https URL can be made of the Host header. */
    REDIRECT_HOST_INVALID("SLU1469", 400),

    WEBSOCKET_DISABLED("SLU1470", 403),
    ORIGIN_NOT_ALLOWED("SLU1471", 403),

    /** Undertow ended the exchange with this 4xx and no body, for a cause Sluice did not record. */
    OTHER_CLIENT_ERROR("SLU1490", Answer.ANY_STATUS),

    TRANSFER_CODING_UNSUPPORTED("SLU1501", 501),

    UPSTREAM_CONNECT_FAILED("SLU1520", 502),
    UPSTREAM_CONNECT_TIMEOUT("SLU1521", 502),
    UPSTREAM_LOST_WHILE_SENDING("SLU1522", 502),
    UPSTREAM_LOST_BEFORE_HEAD("SLU1523", 502),
    /** Undertow's proxy ended the exchange with a 500 of its own: its upstream connection broke. */
    UPSTREAM_CONNECTION_FAILED("SLU1524", 502),
    /** A 101 to a request that did not ask to upgrade. */
    UPSTREAM_UNASKED_SWITCH("SLU1525", 502),
    /** A 101 to HTTP/2 ({@code Upgrade: h2c}), to a request or a WebSocket handshake. */
    UPSTREAM_SWITCHED_TO_H2C("SLU1526", 502),
    /** A 101 to a WebSocket handshake that is not a valid WebSocket answer. */
    HANDSHAKE_BAD_SWITCH("SLU1527", 502),
    HANDSHAKE_UPSTREAM_LOST("SLU1528", 502),

    NO_SERVER_UP("SLU1530", 503),
    TUNNEL_LIMIT("SLU1531", 503),
    ROUTE_TUNNEL_LIMIT("SLU1532", 503),
    CLIENT_TUNNEL_LIMIT("SLU1533", 503),
    /** A WebSocket handshake found every connection to the upstream busy. */
    UPSTREAM_BUSY("SLU1534", 503),
    /** Undertow's proxy gave up on a connection for a cause Sluice did not record. */
    NO_CONNECTION("SLU1535", 503),

    RESPONSE_TIMEOUT("SLU1540", 504),
    HANDSHAKE_TIMEOUT("SLU1541", 504),
    /** Undertow's proxy ended the exchange with a 504 of its own. */
    UPSTREAM_TOO_SLOW("SLU1542", 504),

    /** Undertow ended the exchange with this 5xx and no body, for a cause Sluice did not record. */
    OTHER_SERVER_ERROR("SLU1590", Answer.ANY_STATUS),

    /** An {@code http-status} fault answered, with its own status: logged in the faults' range. */
    FAULT("SLU3005", Answer.ANY_STATUS);

    /** For a cause whose status is given with each answer. */
    static final int ANY_STATUS = -1;

    private final String id;
    private final int status;

    Answer(String id, int status) {
        this.id = id;
        this.status = status;
    }

    /** The answer Undertow's own status gets when no cause was recorded. */
    public static Answer other(int status) {
        return status >= 500 ? OTHER_SERVER_ERROR : OTHER_CLIENT_ERROR;
    }

    public String id() {
        return id;
    }

    /** The status this cause is answered with. */
    public int status() {
        if (status == ANY_STATUS) {
            throw new IllegalStateException(this + " has no status of its own: pass it with the answer");
        }
        return status;
    }

    /** Whether the status is given with each answer rather than fixed by the cause. */
    public boolean statusVaries() {
        return status == ANY_STATUS;
    }

    /** 5xx at warn: the proxy's or the upstream's problem; anything else at info: the client's (or a fault's). */
    public static boolean warns(int status) {
        return status >= 500;
    }
}
