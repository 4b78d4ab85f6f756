package dev.sluice.http;

import dev.sluice.config.Cidr;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Addresses in X-Forwarded-For are read strictly, as literals, never by a name lookup. */
class ForwardedHeadersTest {

    @Test
    void dottedQuadsAreAddresses() throws Exception {
        for (String text : List.of("1.2.3.4", "0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.200")) {
            assertEquals(InetAddress.getByName(text), IpLiteral.parse(text), text);
        }
    }

    @Test
    void ipv6LiteralsBareOrBracketedAreAddresses() throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        assertEquals(loopback, IpLiteral.parse("::1"));
        assertEquals(loopback, IpLiteral.parse("[::1]"));
        assertEquals(loopback, IpLiteral.parse("0:0:0:0:0:0:0:1"));
        assertEquals(InetAddress.getByName("2001:db8::a:b"), IpLiteral.parse("2001:DB8::A:B"));
        assertEquals(InetAddress.getByName("::1.2.3.4"), IpLiteral.parse("::1.2.3.4"));
        String longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
        assertEquals(InetAddress.getByName(longest), IpLiteral.parse(longest));
    }

    // An IPv4-mapped IPv6 address is that IPv4 client (the JDK reads it so), so a trusted-proxy
    // range written in IPv4 matches it.
    @Test
    void ipv4MappedIpv6IsTheIpv4Address() throws Exception {
        InetAddress mapped = IpLiteral.parse("::ffff:1.2.3.4");
        assertInstanceOf(Inet4Address.class, mapped);
        assertEquals(InetAddress.getByName("1.2.3.4"), mapped);
        assertEquals(mapped, IpLiteral.parse("[::ffff:1.2.3.4]"));
    }

    // InetAddress.getByName would look up the names here (hex letters and dots passed the old
    // filter: "cafe.dead.beef"), or read short forms as addresses ("1.2.3" is 1.2.0.3 to it).
    // Zone ids and ports mean nothing in a forwarded chain; leading zeros read as octal elsewhere.
    @Test
    void anythingElseIsNotAnAddress() {
        List<String> notAddresses = List.of(
                "cafe.dead.beef", "deadbeef", "beef", "abc.def", "a.b.c.d", "localhost", "example.com",
                "1.2.3", "1", "1.2", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1000.1.1.1", "4294967295",
                "010.0.0.1", "1.2.3.04", "0x7f.0.0.1", "1..2.3", ".1.2.3", "1.2.3.4.", "-1.2.3.4", "+1.2.3.4",
                " 1.2.3.4", "1.2.3.4 ", "１.２.３.４", "١.٢.٣.٤",
                "", "[]", "[", "]", "[1.2.3.4]", "[::1", "::1]", "[[::1]]",
                "[::1]:80", "1.2.3.4:80", "fe80::1%eth0", "fe80::1%1", "[fe80::1%eth0]",
                ":", ".:", ".::1", "::g", "1:2:3:4:5:6:7:8:9", "12345::1", "::1.2.3", "::256.1.1.1",
                "::" + "0".repeat(60), "ｆｅ80::1", "unknown", "_hidden");
        for (String text : notAddresses) {
            assertNull(IpLiteral.parse(text), "'" + text + "'");
        }
    }

    // A host name from a trusted peer is not believed, nor anything left of it, and not looked up.
    @Test
    void aNameInTheChainEndsIt() throws Exception {
        ForwardedHeaders forwarded = new ForwardedHeaders(List.of(new Cidr(InetAddress.getByName("10.0.0.0"), 8)));
        InetAddress peer = InetAddress.getByName("10.0.0.1");

        assertEquals(InetAddress.getByName("203.0.113.7"), forwarded.clientAddress(from(peer, "203.0.113.7, 10.0.0.2")));
        assertEquals(peer, forwarded.clientAddress(from(peer, "203.0.113.7, cafe.dead.beef")));
        assertEquals(InetAddress.getByName("10.0.0.2"), forwarded.clientAddress(from(peer, "1.2.3, 10.0.0.2")));
        assertEquals(InetAddress.getByName("2001:db8::7"), forwarded.clientAddress(from(peer, "[2001:db8::7]")));
    }

    private static HttpServerExchange from(InetAddress peer, String xForwardedFor) {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.setSourceAddress(new InetSocketAddress(peer, 40000));
        exchange.getRequestHeaders().put(Headers.X_FORWARDED_FOR, xForwardedFor);
        return exchange;
    }
}
