package dev.sluice.config;

import java.net.InetAddress;
import java.util.Objects;

/** An address block such as {@code 10.0.0.0/8} or {@code ::1/128} ({@code trusted-proxies[]}). */
public record Cidr(InetAddress network, int prefixLength) {
    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of 0.." + bits);
        }
    }

    /**
     * Parses {@code 10.0.0.0/8}, {@code ::1/128} or a bare IP literal (one address), as
     * {@code trusted-proxies} does; host names are refused, never looked up.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static Cidr parse(String text) {
        return Addresses.cidr(text);
    }

    /** Whether the address lies in this block; IPv4 and IPv6 never match each other. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
