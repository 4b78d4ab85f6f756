package dev.sluice.upstream;

import dev.sluice.config.ServerConfig;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every upstream server the running configuration names, by upstream and URL, kept across
 * reloads: a server a reloaded file still names is the same {@link Server}, with its drain,
 * its check results, its counts and its open tunnels.
 */
public final class ServerBook {
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final Clock clock;

    public ServerBook(Clock clock) {
        this.clock = clock;
    }

    /**
     * The server for this entry of {@code upstream}: the one known, or a new one. A known one is
     * told its new settings only when the configuration naming them is in force
     * ({@link Server#reconfigure}), so that a refused reload changes nothing.
     */
    public Server server(String upstream, ServerConfig config) {
        return server(upstream, config, null);
    }

    /** The server for one address of this entry's host name (resolve-interval), or for the entry when null. */
    public Server server(String upstream, ServerConfig config, InetAddress member) {
        return servers.computeIfAbsent(key(upstream, config.url(), member), k -> new Server(upstream, config, member, clock));
    }

    /** Forgets every server but these (the ones the configuration now in force names). */
    public void keepOnly(Collection<Server> current) {
        Set<String> keys = new HashSet<>();
        current.forEach(s -> keys.add(key(s)));
        servers.keySet().retainAll(keys);
    }

    /** Forgets this server (its address left its name), unless another took its place already. */
    public void forget(Server server) {
        servers.remove(key(server), server);
    }

    private static String key(Server server) {
        return key(server.upstream(), server.url(), server.member());
    }

    private static String key(String upstream, URI url, InetAddress member) {
        return upstream + " " + url + (member == null ? "" : " " + member.getHostAddress());
    }
}
