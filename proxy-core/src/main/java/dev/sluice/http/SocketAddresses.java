package dev.sluice.http;

import java.net.InetSocketAddress;

/** How an address is written in logs, the status report and recordings: {@code host:port}, {@code [v6]:port}. */
public final class SocketAddresses {
    private SocketAddresses() {
    }

    /** The address as {@code 127.0.0.1:8080} or {@code [::1]:8080} (a name when it was never resolved); null for null. */
    public static String text(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
