package dev.sluice.upstream;

import java.net.InetSocketAddress;

/**
 * A server that {@link HealthChecks} checks. Both methods are asked again before every check, so
 * a server whose name resolves to a new address is checked at the new one.
 */
public interface HealthTarget {
    /**
     * Where to connect, already resolved: checks run on an IO thread, which must never wait for
     * a name lookup. An unresolved address makes the check fail ({@code address not resolved}).
     */
    InetSocketAddress address();

    /** The Host header a check sends, {@code host:port} as the server is configured. */
    String hostHeader();

    /** Whether the first checks start from up (a new server) or from down (one its checks found down before a reload). */
    default boolean checkedUp() {
        return true;
    }
}
