package dev.sluice.proxyprotocol;

import java.net.InetSocketAddress;

/**
 * A PROXY protocol header as read.
 *
 * @param kind        which form it had
 * @param source      the client's address it carries, or null when the connection's own addresses
 *                    stand ({@code LOCAL}, {@code UNKNOWN}, {@code AF_UNSPEC}, {@code AF_UNIX})
 * @param destination the address the client connected to (the balancer's), or null likewise
 */
public record ProxyHeader(Kind kind, InetSocketAddress source, InetSocketAddress destination) {
    /** The header's version and what it carried. */
    public enum Kind {
        V1_TCP4, V1_TCP6, V1_UNKNOWN, V2_TCP4, V2_TCP6, V2_LOCAL, V2_UNSPEC
    }

    /** Whether it carries a client's address (else the connection is served as the balancer's own). */
    public boolean carriesAddress() {
        return source != null;
    }
}
