package dev.sluice.upstream;

/** Where a server stands for new requests and handshakes; only {@link #UP} gets them. */
public enum ServerState {
    UP("up"),
    /** Failed its active health checks. */
    DOWN("down"),
    /** Out for a back-off time after a connect failure, reset or response timeout. */
    EJECTED("ejected"),
    /** Taken out through the admin API: open tunnels stay until they close or the deadline. */
    DRAINING("draining"),
    /** Taken out by {@code disabled: true} in the file. */
    DISABLED("disabled"),
    /** Its host name no longer resolves to its address ({@code resolve-interval}): open tunnels stay until they close. */
    REMOVED("removed");

    private final String text;

    ServerState(String text) {
        this.text = text;
    }

    /** The name /status, the metrics and the log use. */
    public String text() {
        return text;
    }
}
