package dev.sluice.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP addresses read from text without ever looking a name up: a forwarded chain is the
 * client's to write, and an IO thread must not wait for DNS.
 */
public final class IpLiteral {
    private static final int MAX_IPV6_LITERAL = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".length();

    private IpLiteral() {
    }

    /**
     * An IP address written as a literal, or null; never a name lookup: a dotted quad (four
     * numbers 0..255, no leading zeros, which some parsers read as octal), or an IPv6 literal,
     * bare or in brackets. No port, no zone id: neither means anything in a forwarded chain.
     */
    public static InetAddress parse(String text) {
        boolean bracketed = text.length() > 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']';
        String literal = bracketed ? text.substring(1, text.length() - 1) : text;
        if (literal.indexOf(':') < 0) {
            return bracketed ? null : ipv4(literal);
        }
        return ipv6(literal);
    }

    /** By hand: InetAddress.getByName reads "1.2.3" or "1" as addresses, and looks up what it cannot read. */
    private static InetAddress ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && text.charAt(i) != '.') {
                continue;
            }
            int value = decimal(text, start, i);
            if (value < 0 || part == 4) {
                return null;
            }
            bytes[part++] = (byte) value;
            start = i + 1;
        }
        if (part != 4) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // four bytes are always a valid length
        }
    }

    /** 0..255 in ASCII digits, without leading zeros; -1 otherwise. */
    private static int decimal(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    /**
     * The JDK (17) parses text that starts with a hex digit or ':' and contains a ':' as an
     * IPv6 literal, and throws when it is not one: such text is never looked up. Text starting
     * otherwise it would look up, even with a ':', so the first character is checked too. Only
     * ASCII: Character.digit takes other scripts' digits (fullwidth ones, say) for hex.
     */
    private static InetAddress ipv6(String text) {
        if (text.length() > MAX_IPV6_LITERAL) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && (c != '.' || i == 0)) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

}
