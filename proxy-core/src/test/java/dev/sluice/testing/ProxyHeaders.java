package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers (HAProxy's proxy-protocol.txt) as a balancer sends them, byte-exact, for
 * tests of a {@code proxy-protocol: true} listener: v1 lines and v2 binary headers, with TLVs or a
 * length of the test's choosing.
 */
public final class ProxyHeaders {
    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    public static final int LOCAL = 0x20;
    public static final int PROXY = 0x21;
    public static final int TCP4 = 0x11;
    public static final int TCP6 = 0x21;
    public static final int UNSPEC = 0x00;

    private ProxyHeaders() {
    }

    /** {@code PROXY TCP4|TCP6 src dst sport dport\r\n}, the family from the source's form. */
    public static byte[] v1(String source, String destination, int sourcePort, int destinationPort) {
        String family = source.indexOf(':') >= 0 ? "TCP6" : "TCP4";
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 {@code PROXY} header for TCP over the source's family, with these TLV bytes after the addresses. */
    public static byte[] v2(String source, String destination, int sourcePort, int destinationPort, byte[] tlvs) {
        byte[] from = address(source);
        byte[] to = address(destination);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(from);
        body.writeBytes(to);
        body.write(sourcePort >> 8);
        body.write(sourcePort);
        body.write(destinationPort >> 8);
        body.write(destinationPort);
        body.writeBytes(tlvs);
        return v2(PROXY, from.length == 4 ? TCP4 : TCP6, body.size(), body.toByteArray());
    }

    /** A v2 {@code LOCAL} header (a balancer's own health check), with no address block. */
    public static byte[] v2Local() {
        return v2(LOCAL, UNSPEC, 0, new byte[0]);
    }

    /** Any v2 header: signature, version/command byte, family byte, the length as given (true or not), body. */
    public static byte[] v2(int versionCommand, int family, int length, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(versionCommand);
        out.write(family);
        out.write(length >> 8);
        out.write(length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** One TLV: type, 16-bit length, value. */
    public static byte[] tlv(int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] address(String literal) {
        try {
            byte[] bytes = InetAddress.getByName(literal).getAddress();
            if (literal.indexOf(':') >= 0 && bytes.length == 4) {
                throw new IllegalArgumentException("an IPv4-mapped address comes back as IPv4: " + literal);
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
