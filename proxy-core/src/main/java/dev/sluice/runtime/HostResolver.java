package dev.sluice.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks a host name up to all its addresses, for upstreams with {@code resolve-interval}. It
 * blocks, so it is only ever called where the configuration is built and on the proxy's
 * resolver thread, never on an IO thread. Tests give their own to stand in for DNS.
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver (DNS, /etc/hosts), as the JVM caches it. */
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
