package dev.sluice.proxyprotocol;

import dev.sluice.testing.ProxyHeaders;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PROXY header parser on its own: every form, byte by byte, and what it refuses with which reason. */
class ProxyProtocolParserTest {
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Feeds {@code header + REQUEST} in one piece: the header is read and exactly the request is left. */
    private static ProxyHeader whole(byte[] header) {
        ByteBuffer in = ByteBuffer.wrap(concat(header, REQUEST));
        ProxyHeaderParser.Done done = assertInstanceOf(ProxyHeaderParser.Done.class, new ProxyHeaderParser().feed(in));
        assertEquals(REQUEST.length, in.remaining(), "only the header is consumed");
        assertEquals(ByteBuffer.wrap(REQUEST), in);
        return done.header();
    }

    /** Feeds the header one byte a read: the same header, and no outcome before its last byte. */
    private static ProxyHeader byteByByte(byte[] header) {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        for (int i = 0; i < header.length - 1; i++) {
            assertInstanceOf(ProxyHeaderParser.NeedMore.class, parser.feed(ByteBuffer.wrap(header, i, 1)), "byte " + i);
        }
        ByteBuffer last = ByteBuffer.wrap(concat(new byte[] {header[header.length - 1]}, REQUEST));
        ProxyHeader byBytes = assertInstanceOf(ProxyHeaderParser.Done.class, parser.feed(last)).header();
        assertEquals(REQUEST.length, last.remaining());
        assertEquals(whole(header), byBytes);
        return byBytes;
    }

    private static String refused(byte[] bytes) {
        return assertInstanceOf(ProxyHeaderParser.Failed.class, new ProxyHeaderParser().feed(ByteBuffer.wrap(bytes)))
                .reason();
    }

    private static InetSocketAddress at(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void v1Tcp4AndTcp6CarryBothAddresses() throws Exception {
        ProxyHeader v4 = byteByByte(ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 51000, 443));
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V1_TCP4, at("203.0.113.7", 51000), at("192.0.2.1", 443)), v4);
        ProxyHeader v6 = byteByByte(ProxyHeaders.v1("2001:db8::7", "2001:db8::1", 0, 65535));
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V1_TCP6, at("2001:db8::7", 0), at("2001:db8::1", 65535)), v6);
    }

    @Test
    void v1UnknownLeavesTheConnectionsOwnAddresses() {
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V1_UNKNOWN, null, null),
                byteByByte("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ProxyHeader.Kind.V1_UNKNOWN, byteByByte(
                "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n".getBytes(StandardCharsets.US_ASCII)).kind());
    }

    @Test
    void v1OfTheLongestAllowedLengthIsReadAndOneMoreIsNot() {
        // 107 bytes: the spec's worst case; a TCP6 line at its longest is 104
        String most = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] line = bytes("PROXY UNKNOWN " + most + " " + most + " 65535 65535\r\n");
        assertEquals(ProxyHeaderParser.V1_MAX, line.length);
        assertEquals(ProxyHeader.Kind.V1_UNKNOWN, byteByByte(line).kind());
        byte[] tcp6 = ProxyHeaders.v1(most, most, 65535, 65535);
        assertEquals(104, tcp6.length);
        assertTrue(byteByByte(tcp6).carriesAddress());
        assertEquals("PROXY v1 line longer than 107 bytes",
                refused(bytes("PROXY UNKNOWN " + most + " " + most + " 65535 655355\r\n")));
    }

    @Test
    void v2ProxyCarriesIpv4AndIpv6AndSkipsTlvs() throws Exception {
        byte[] tlvs = concat(ProxyHeaders.tlv(0x01, "h2".getBytes(StandardCharsets.US_ASCII)),
                ProxyHeaders.tlv(0xEA, new byte[300])); // ALPN, and an AWS-style vendor TLV
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V2_TCP4, at("203.0.113.7", 51000), at("192.0.2.1", 443)),
                byteByByte(ProxyHeaders.v2("203.0.113.7", "192.0.2.1", 51000, 443, tlvs)));
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V2_TCP6, at("2001:db8::7", 1), at("2001:db8::1", 8443)),
                byteByByte(ProxyHeaders.v2("2001:db8::7", "2001:db8::1", 1, 8443, new byte[0])));
    }

    @Test
    void v2LocalUnspecAndUnixLeaveTheConnectionsOwnAddresses() {
        assertEquals(new ProxyHeader(ProxyHeader.Kind.V2_LOCAL, null, null), byteByByte(ProxyHeaders.v2Local()));
        // LOCAL with a body (a balancer may send addresses anyway): skipped
        assertEquals(ProxyHeader.Kind.V2_LOCAL, byteByByte(ProxyHeaders.v2(ProxyHeaders.LOCAL, ProxyHeaders.TCP4, 12,
                new byte[12])).kind());
        assertEquals(ProxyHeader.Kind.V2_UNSPEC, byteByByte(ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.UNSPEC, 4,
                new byte[4])).kind());
        assertNull(byteByByte(ProxyHeaders.v2(ProxyHeaders.PROXY, 0x31, 216, new byte[216])).source());
    }

    @Test
    void garbageAndHttpAreRefusedAtTheFirstWrongByte() {
        assertEquals("no PROXY header: the connection starts with 'GET / HTTP/1.1\\x0d\\x0a'...", refused(REQUEST));
        assertEquals("no PROXY header: the connection starts with 'PROXZ'", refused(bytes("PROXZ")));
        assertEquals("no PROXY header: the connection starts with '\\x0d\\x0a\\x0d\\x0a\\x00\\x0d\\x0aQUIX'",
                refused(bytes("\r\n\r\n\0\r\nQUIX")));
        assertEquals("no PROXY header: the connection starts with '\\x16\\x03\\x01'", refused(new byte[] {0x16, 3, 1}));
    }

    @Test
    void badV1LinesSayWhatWasWrong() {
        assertEquals("PROXY v1 line longer than 107 bytes", refused(bytes("PROXY TCP4 " + "1".repeat(200))));
        assertEquals("PROXY v1 line ends with a bare LF", refused(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")));
        assertEquals("PROXY v1 line has a CR not followed by LF", refused(bytes("PROXY TCP4\r 1.2.3.4")));
        assertEquals("PROXY v1 line has a byte that is not printable ASCII (0x00) at 10",
                refused(bytes("PROXY TCP4\0")));
        assertEquals("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN: 'UDP4'",
                refused(bytes("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n")));
        assertEquals("PROXY v1 address is not an IPv4 literal: 'PROXY TCP4 1.2.3.256 5.6.7.8 1 2'",
                refused(bytes("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n")));
        assertEquals("PROXY v1 address is not an IPv4 literal: 'PROXY TCP4 example.com 5.6.7.8 1 2'",
                refused(bytes("PROXY TCP4 example.com 5.6.7.8 1 2\r\n")));
        assertEquals("PROXY v1 address is not an IPv6 literal: 'PROXY TCP6 1.2.3.4 ::1 1 2'",
                refused(bytes("PROXY TCP6 1.2.3.4 ::1 1 2\r\n")));
        assertEquals("PROXY v1 port is not 0..65535: 'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2'",
                refused(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n")));
        assertEquals("PROXY v1 port is not 0..65535: 'PROXY TCP4 1.2.3.4 5.6.7.8 01 2'",
                refused(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")));
        assertEquals("PROXY v1 line is not 'PROXY TCP4|TCP6 SRC DST SRCPORT DSTPORT': 'PROXY TCP4 1.2.3.4 5.6.7.8 1'",
                refused(bytes("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")));
        assertEquals("PROXY v1 address is not an IPv4 literal: 'PROXY TCP4  1.2.3.4 5.6.7.8 1'",
                refused(bytes("PROXY TCP4  1.2.3.4 5.6.7.8 1\r\n")));
    }

    @Test
    void badV2HeadersSayWhatWasWrong() {
        assertEquals("PROXY v2 version is 1, not 2", refused(ProxyHeaders.v2(0x11, ProxyHeaders.TCP4, 0, new byte[0])));
        assertEquals("PROXY v2 command is 2, not LOCAL (0) or PROXY (1)",
                refused(ProxyHeaders.v2(0x22, ProxyHeaders.TCP4, 0, new byte[0])));
        assertEquals("PROXY v2 address family and transport 0x12 is not TCP over IPv4 or IPv6, UNIX stream or"
                + " unspecified", refused(ProxyHeaders.v2(ProxyHeaders.PROXY, 0x12, 12, new byte[12])));
        // lengths that lie: shorter than the address block the family needs
        assertEquals("PROXY v2 length 8 is shorter than its address block (12 bytes for family 0x11)",
                refused(ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP4, 8, new byte[8])));
        assertEquals("PROXY v2 length 12 is shorter than its address block (36 bytes for family 0x21)",
                refused(ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP6, 12, new byte[36])));
    }

    @Test
    void aV2LengthLongerThanWhatCameWaitsForTheRest() {
        // a length that claims more than was sent reads as a header not finished yet: the
        // listener's header deadline ends it; the parser holds none of the skipped bytes
        ProxyHeaderParser parser = new ProxyHeaderParser();
        byte[] header = ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP4, 65535, new byte[12]);
        assertInstanceOf(ProxyHeaderParser.NeedMore.class, parser.feed(ByteBuffer.wrap(header)));
        assertInstanceOf(ProxyHeaderParser.NeedMore.class, parser.feed(ByteBuffer.wrap(new byte[60_000])));
        assertEquals(16 + 12 + 60_000, parser.bytesSeen());
        ByteBuffer rest = ByteBuffer.wrap(new byte[65535 - 12 - 60_000 + 5]);
        assertInstanceOf(ProxyHeaderParser.Done.class, parser.feed(rest));
        assertEquals(5, rest.remaining());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
