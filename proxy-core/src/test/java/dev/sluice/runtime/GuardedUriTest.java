package dev.sluice.runtime;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The guarded URI of an upstream server, from every form a host reaches it in: a configured
 * URI's host (bracketed for IPv6) and a connection's peer address (a bare literal, on the
 * handshake's resend). java.net.URI's multi-argument constructor brackets a bare IPv6 literal
 * itself; these pin that down, since the resend path relies on it.
 */
class GuardedUriTest {
    @Test
    void ipv4AndNames() {
        assertEquals("sluice-http://127.0.0.1:8080", GuardedHttpClientProvider.uriOf("127.0.0.1", 8080).toString());
        assertEquals("sluice-http://backend.local:80", GuardedHttpClientProvider.uriOf("backend.local", 80).toString());
    }

    @Test
    void ipv6LiteralsBareOrBracketed() {
        for (String host : new String[] {"::1", "[::1]"}) {
            URI uri = GuardedHttpClientProvider.uriOf(host, 8080);
            assertEquals("sluice-http://[::1]:8080", uri.toString(), host);
            assertEquals(8080, uri.getPort(), host);
        }
        assertEquals("sluice-http://[0:0:0:0:0:0:0:1]:9",
                GuardedHttpClientProvider.uriOf(new InetSocketAddress("::1", 9).getHostString(), 9).toString());
    }

    @Test
    void scopedIpv6LiteralKeepsItsScope() {
        URI uri = GuardedHttpClientProvider.uriOf("fe80:0:0:0:0:0:0:1%1", 443);
        assertEquals("[fe80:0:0:0:0:0:0:1%1]", uri.getHost());
        InetSocketAddress again = new InetSocketAddress(uri.getHost(), uri.getPort());
        assertFalse(again.isUnresolved());
        assertEquals(443, again.getPort());
    }
}
